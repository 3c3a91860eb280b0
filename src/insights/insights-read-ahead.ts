import type { CustomerReadAhead } from '../customers/customer-read-ahead';
import type { CustomerInsightsService } from './customer-insights.service';
import type { InsightsLoaders } from './insights.loaders';

/** `Customer.insights` read in the customer's own statement (customers/customer-read-ahead.ts). */
export function insightsReadAhead(insights: CustomerInsightsService): CustomerReadAhead<InsightsLoaders> {
  return {
    field: 'insights',
    column: () => insights.insightsColumn(),
    prime: (loaders, customerKey, _selection, value) => {
      loaders.insightsByCustomer.prime(customerKey, insights.insightsFromColumn(value));
    },
  };
}
