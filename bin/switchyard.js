#!/usr/bin/env node
// The `switchyard` command. TypeScript sources run through tsx's loader, so there is no build step for the engine.
import { register } from 'tsx/esm/api';

register();
await import('../engine/cli/main.ts');
