import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import type { MetricsContext } from './metrics.context';
import { ExperienceMetrics, MetricsRange, ServiceMetrics } from './metrics.types';

@Resolver()
export class MetricsResolver {
  @Authorized(Scope.METRICS_READ)
  @Query(() => ServiceMetrics, {
    description:
      'How the service did over a range: contacts, calls (answered, abandoned, wait), messages answered, cases (first response, resolution, first-contact resolution, reopenings), CSAT, NPS, CES; per channel, and per interval when asked. Every formula is in the README ("Metrics"). METRICS_READ.',
  })
  serviceMetrics(@Arg('range', () => MetricsRange, { description: 'The range, channels and interval.' }) range: MetricsRange, @Ctx() { services }: MetricsContext): Promise<ServiceMetrics> {
    return services.serviceMetrics.serviceMetrics(range);
  }

  @Authorized(Scope.METRICS_READ)
  @Query(() => ExperienceMetrics, {
    description: 'How the relationship with customers did over a range: active and new customers, churn, retention, conversion, lifetime and order value, reviews, NPS, CSAT. METRICS_READ.',
  })
  experienceMetrics(@Arg('range', () => MetricsRange, { description: 'The range and channels (its interval is not used).' }) range: MetricsRange, @Ctx() { services }: MetricsContext): Promise<ExperienceMetrics> {
    return services.experienceMetrics.experienceMetrics(range);
  }
}
