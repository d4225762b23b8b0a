import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The editor is a static React app under editor/; `switchyard serve` serves dist/editor,
// `npm run dev` runs this config with hot reload and proxies the API to a running server.
export default defineConfig({
  root: 'editor',
  plugins: [react()],
  build: { outDir: '../dist/editor', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.SWITCHYARD_API ?? 'http://127.0.0.1:3000', changeOrigin: false },
      '/hooks': { target: process.env.SWITCHYARD_API ?? 'http://127.0.0.1:3000' },
    },
  },
});
