import DataLoader from 'dataloader';
import type { CustomerInsightsService } from './customer-insights.service';

/** Per-request batches of insight reads; see server/loaders.ts. */
export function createInsightsLoaders(insights: CustomerInsightsService) {
  return {
    insightsByCustomer: new DataLoader((keys: readonly string[]) => insights.insightsByCustomer(keys)),
  };
}

export type InsightsLoaders = ReturnType<typeof createInsightsLoaders>;
