import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { Logger } from './logger';
import type { StatementTally } from './sql-statement-count';
import type { WebSocket } from 'ws';
import type { RealtimeHub } from '../realtime/realtime-hub';
import { CustomerService } from '../customers/customer.service';
import { createCustomerLoaders } from '../customers/customer.loaders';
import { EventRecorder } from '../ingest/event-recorder.service';
import { MergeService } from '../merges/merge.service';
import { CustomerSearchService } from '../search/customer-search.service';
import { PreferencesService } from '../preferences/preferences.service';
import { createPreferencesLoaders } from '../preferences/preferences.loaders';
import { TimelineService } from '../timeline/timeline.service';
import { createTimelineLoaders } from '../timeline/timeline.loaders';

/** Stateless services, created once per server. */
export function createServices(db: DataSource, config: Config) {
  const customers = new CustomerService(db, config);
  return {
    customers,
    preferences: new PreferencesService(db),
    timeline: new TimelineService(db),
    recorder: new EventRecorder(db, config, customers),
    merges: new MergeService(db),
    search: new CustomerSearchService(db, config),
  };
}
export type Services = ReturnType<typeof createServices>;

/** DataLoaders batch and cache within one request only; never share them across requests. */
export function createLoaders(services: Services) {
  return {
    ...createCustomerLoaders(services.customers),
    ...createPreferencesLoaders(services.preferences),
    ...createTimelineLoaders(services.timeline),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

export interface RequestContext {
  services: Services;
  loaders: Loaders;
  log: Logger;
  tally: StatementTally;
  /** This process's subscriptions and their notification listener. */
  realtime: RealtimeHub;
  /** The WebSocket of a subscription; absent for HTTP requests. */
  socket?: WebSocket;
}
