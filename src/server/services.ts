import type { Config } from '../core/config';
import { CustomerLookup } from '../customers/customer-lookup';
import { CustomerUpsertService } from '../customers/customer-upsert.service';
import type { Database } from '../db/database';
import { EventRecorder } from '../ingest/event-recorder.service';
import { MergeService } from '../merges/merge.service';
import { ConsentHistory } from '../preferences/consent-history';
import { PreferencesService } from '../preferences/preferences.service';
import { CustomerSearchService } from '../search/customer-search.service';
import { TimelineService } from '../timeline/timeline.service';

/** The stateless services, created once per server process. */
export function createServices(db: Database, config: Config) {
  const region = config.DEFAULT_PHONE_REGION;
  return {
    customers: new CustomerLookup(db, region),
    upserts: new CustomerUpsertService(db, region),
    preferences: new PreferencesService(db),
    consentHistory: new ConsentHistory(db),
    timeline: new TimelineService(db),
    recorder: new EventRecorder(db, region),
    merges: new MergeService(db),
    search: new CustomerSearchService(db, region),
  };
}

export type Services = ReturnType<typeof createServices>;
