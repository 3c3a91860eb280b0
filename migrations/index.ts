import { InitialSchema1763900000000 } from './1763900000000-InitialSchema';
import { CustomerMerges1763990000000 } from './1763990000000-CustomerMerges';
import { TimelineStreamPosition1764000000000 } from './1764000000000-TimelineStreamPosition';
import { SearchIndexPendingLists1764100000000 } from './1764100000000-SearchIndexPendingLists';
import { AccessAndPrivacy1764200000000 } from './1764200000000-AccessAndPrivacy';
import { PrivacyRequests1764300000000 } from './1764300000000-PrivacyRequests';
import { ReviewsAndVideoCalls1764400000000 } from './1764400000000-ReviewsAndVideoCalls';
import { Cases1764500000000 } from './1764500000000-Cases';
import { ServiceMetrics1764600000000 } from './1764600000000-ServiceMetrics';
import { MetricReadModels1764700000000 } from './1764700000000-MetricReadModels';
import { OrderNumberSearch1764800000000 } from './1764800000000-OrderNumberSearch';
import { Webhooks1764900000000 } from './1764900000000-Webhooks';
import { SurveyAnswersByCustomer1765000000000 } from './1765000000000-SurveyAnswersByCustomer';
import { CasesByLastActivity1765100000000 } from './1765100000000-CasesByLastActivity';
import { OrdersByCurrency1765200000000 } from './1765200000000-OrdersByCurrency';
import { OrdersCoveredByCustomer1765300000000 } from './1765300000000-OrdersCoveredByCustomer';
import { TimelineStream1765400000000 } from './1765400000000-TimelineStream';

/** Every migration in the order it runs; listed rather than globbed so tests and builds agree. */
export const migrations = [InitialSchema1763900000000, CustomerMerges1763990000000, TimelineStreamPosition1764000000000, SearchIndexPendingLists1764100000000, AccessAndPrivacy1764200000000, PrivacyRequests1764300000000, ReviewsAndVideoCalls1764400000000, Cases1764500000000, ServiceMetrics1764600000000, MetricReadModels1764700000000, OrderNumberSearch1764800000000, Webhooks1764900000000, SurveyAnswersByCustomer1765000000000, CasesByLastActivity1765100000000, OrdersByCurrency1765200000000, OrdersCoveredByCustomer1765300000000, TimelineStream1765400000000];
