import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { TimelineLoaders } from '../timeline/timeline.loaders';
import type { CaseLoaders } from './case.loaders';
import type { CaseService } from './case.service';

/** What the case resolvers need of the request context (built in server/). */
export interface CasesContext extends AccessContext {
  services: AccessContext['services'] & { cases: CaseService };
  loaders: CaseLoaders & CustomerLoaders & TimelineLoaders;
}
