import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { CustomerErasureService } from './customer-erasure.service';
import type { CustomerExportService } from './customer-export.service';

/** What the privacy resolvers need of the request context (built in server/). */
export interface PrivacyContext extends AccessContext {
  services: AccessContext['services'] & { erasure: CustomerErasureService; exports: CustomerExportService };
  loaders: CustomerLoaders;
}
