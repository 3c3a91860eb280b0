import { createCaseLoaders } from '../cases/case.loaders';
import { createCustomerLoaders } from '../customers/customer.loaders';
import { createInsightsLoaders } from '../insights/insights.loaders';
import { createPreferencesLoaders } from '../preferences/preferences.loaders';
import { createTimelineLoaders } from '../timeline/timeline.loaders';
import type { Services } from './services';

/** Every DataLoader of one request (or of one delivered subscription item); never shared beyond it. */
export function createLoaders(services: Services) {
  return {
    ...createCustomerLoaders(services.customers),
    ...createPreferencesLoaders(services.preferences, services.consentHistory),
    ...createTimelineLoaders(services.timeline),
    ...createCaseLoaders(services.cases),
    ...createInsightsLoaders(services.insights),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
