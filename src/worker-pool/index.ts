// The worker-thread executor (piscina), an adapter of the engine's Executor port.
export { WorkerPoolExecutor, type WorkerPoolExecutorOptions } from './worker-pool-executor';
