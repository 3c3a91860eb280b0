import { caseLoaders } from '../cases/case.loaders';
import type { LoadersMadeBy } from '../core/request-loaders';
import { customerLoaders } from '../customers/customer.loaders';
import { insightsLoaders } from '../insights/insights.loaders';
import { preferencesLoaders } from '../preferences/preferences.loaders';
import { timelineLoaders } from '../timeline/timeline.loaders';
import type { Services } from './services';

// (satisfies: the server's services give every factory what it reads through.)
const LOADERS = { ...customerLoaders, ...preferencesLoaders, ...timelineLoaders, ...caseLoaders, ...insightsLoaders } satisfies Record<string, (services: Services) => unknown>;

export type Loaders = LoadersMadeBy<typeof LOADERS>;

/** A request's DataLoaders: each made from the services when first read through, then kept as the instance's own. */
class RequestLoaders {
  constructor(readonly services: Services) {}
}
for (const [name, make] of Object.entries(LOADERS)) {
  Object.defineProperty(RequestLoaders.prototype, name, {
    get(this: RequestLoaders) {
      const loader = make(this.services);
      Object.defineProperty(this, name, { value: loader, enumerable: true });
      return loader;
    },
  });
}

/**
 * Every DataLoader of one request (or of one delivered subscription item); never shared beyond
 * it. Most operations read through a few of them, and many through none.
 */
export function createLoaders(services: Services): Loaders {
  return new RequestLoaders(services) as unknown as Loaders;
}
