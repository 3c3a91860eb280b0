import DataLoader from 'dataloader';
import type { LoadersMadeBy } from '../core/request-loaders';
import type { CustomerInsightsService } from './customer-insights.service';

/** Per-request batches of insight reads; see server/loaders.ts. */
export const insightsLoaders = {
  insightsByCustomer: ({ insights }: { insights: CustomerInsightsService }) => new DataLoader((keys: readonly string[]) => insights.insightsByCustomer(keys)),
};

export type InsightsLoaders = LoadersMadeBy<typeof insightsLoaders>;
