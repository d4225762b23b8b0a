/** The editor app: the scenario list at `/`, one scenario at `/scenarios/<id>`. */
import { useNodeTypes } from './hooks/use-node-types';
import { useRoute } from './hooks/use-route';
import { useStore } from './hooks/use-store';
import { catalogStore } from './store/catalog-store';
import { ScenarioList } from './components/scenarios/ScenarioList';
import { ScenarioPage } from './components/ScenarioPage';

/** @example createRoot(el).render(<App />) */
export function App() {
  const route = useRoute();
  const ready = useNodeTypes();
  const error = useStore(catalogStore, (s) => s.error);
  if (error) return <div className="page-message">Cannot reach the Switchyard API: {error}</div>;
  if (!ready) return <div className="page-message">Loading…</div>;
  return route.page === 'scenario' ? <ScenarioPage key={route.scenarioId} scenarioId={route.scenarioId} /> : <ScenarioList />;
}
