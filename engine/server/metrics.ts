/**
 * Prometheus metrics at `/metrics`: runs and steps by status, step duration
 * by node type, queue depth, webhooks accepted. Counted from the engine's
 * live events, so every server counts the runs its event bus carries.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunEvent } from '../runtime/types';
import type { Store } from '../store/store';
import type { ServiceEngine } from './engine-port';

export interface ServiceMetrics {
  readonly registry: Registry;
  webhookAccepted(scenarioId: string): void;
  /** Stops listening to the engine's events. */
  close(): void;
}

/**
 * @example const metrics = createMetrics(engine, store); app.get('/metrics', …metrics.registry.metrics())
 */
export function createMetrics(engine: ServiceEngine, store: Store): ServiceMetrics {
  // A registry per server, not the global one: tests start several servers in one process.
  const registry = new Registry();
  // prom-client's own names already start with `process_` or `nodejs_`: the prefix adds only the product's name.
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const runsStarted = new Counter({ name: 'switchyard_runs_started_total', help: 'Runs started', registers: [registry] });
  const runsFinished = new Counter({ name: 'switchyard_runs_finished_total', help: 'Runs finished, by final status', labelNames: ['status'], registers: [registry] });
  const runsWaiting = new Counter({ name: 'switchyard_runs_waiting_total', help: 'Times a run paused for a delay, an approval or a retry', registers: [registry] });
  const steps = new Counter({ name: 'switchyard_steps_total', help: 'Steps finished, by status and node type', labelNames: ['status', 'node_type'], registers: [registry] });
  const stepDuration = new Histogram({
    name: 'switchyard_step_duration_seconds',
    help: 'Step duration by node type',
    labelNames: ['node_type'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const webhooks = new Counter({ name: 'switchyard_webhooks_accepted_total', help: 'Webhook deliveries that started a run', labelNames: ['scenario'], registers: [registry] });
  new Gauge({
    name: 'switchyard_queue_depth',
    help: 'Runs waiting in the queue (queued or delayed, not active)',
    registers: [registry],
    async collect() {
      this.set(await engine.queueDepth().catch(() => Number.NaN));
    },
  });

  // Events carry node ids; the node type comes from the scenario, looked up once per scenario and node.
  const nodeTypes = new Map<string, Map<string, string>>();
  // One read of a scenario at a time: the steps of every run that finish before it answers wait for the same one.
  const lookups = new Map<string, Promise<Map<string, string>>>();
  const lookUpNodeTypes = (scenarioId: string): Promise<Map<string, string>> => {
    let lookup = lookups.get(scenarioId);
    if (!lookup) {
      lookup = store
        .getScenario(scenarioId)
        .catch(() => undefined)
        .then((stored) => {
          const types = new Map((stored?.scenario.nodes ?? []).map((n) => [n.id, n.type]));
          if (nodeTypes.size > 1000) nodeTypes.clear();
          nodeTypes.set(scenarioId, types);
          return types;
        })
        .finally(() => lookups.delete(scenarioId));
      lookups.set(scenarioId, lookup);
    }
    return lookup;
  };
  const countStep = (event: Extract<RunEvent, { type: 'step.finished' }>, nodeType: string) => {
    steps.inc({ status: event.status, node_type: nodeType });
    stepDuration.observe({ node_type: nodeType }, event.durationMs / 1000);
  };

  // Synchronous unless the node's type is not known yet: no promise and no microtask per event on the run's path.
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'run.started':
        return runsStarted.inc();
      case 'run.waiting':
        return runsWaiting.inc();
      case 'run.finished':
        return runsFinished.inc({ status: event.status });
      case 'step.finished': {
        const known = nodeTypes.get(event.scenarioId)?.get(event.nodeId);
        if (known !== undefined) return countStep(event, known);
        void lookUpNodeTypes(event.scenarioId).then((types) => countStep(event, types.get(event.nodeId) ?? 'unknown'), () => {});
      }
    }
  };
  const unsubscribe = engine.events.subscribe((event) => {
    try {
      onEvent(event);
    } catch {
      // Counting must never fail the run that published the event.
    }
  });

  return {
    registry,
    webhookAccepted: (scenarioId) => webhooks.inc({ scenario: scenarioId }),
    close: unsubscribe,
  };
}
