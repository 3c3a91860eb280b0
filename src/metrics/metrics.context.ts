import type { AccessContext } from '../access/access.context';
import type { ExperienceMetricsService } from './experience-metrics.service';
import type { ServiceMetricsService } from './service-metrics.service';

/** What the metric resolvers need of the request context (built in server/). */
export interface MetricsContext extends AccessContext {
  services: AccessContext['services'] & { serviceMetrics: ServiceMetricsService; experienceMetrics: ExperienceMetricsService };
}
