import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import path from 'node:path';
import { buildSchema } from 'type-graphql';
import { AccessResolver } from '../access/access.resolver';
import { authChecker } from '../access/auth-checker';
import { guardPersonalFields } from '../access/personal-data';
import { PROJECT_ROOT } from '../core/paths';
import { CustomerResolver } from '../customers/customer.resolver';
import { RecordEventResolver } from '../ingest/record-event.resolver';
import { MergeResolver } from '../merges/merge.resolver';
import { CustomerPreferencesResolver, PreferencesResolver } from '../preferences/preferences.resolver';
import { CustomerChangeResolver, SubscriptionResolver, WebhookChangeResolver } from '../realtime/subscription.resolver';
import { NodeResolver } from '../relay/node.resolver';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import { MetricsResolver } from '../metrics/metrics.resolver';
import { CustomerInsightsResolver } from '../insights/customer-insights.resolver';
import { CaseResolver, CustomerCasesResolver, TimelineEventCaseResolver } from '../cases/case.resolver';
import { CustomerSearchResolver } from '../search/customer-search.resolver';
import { CallEvent, EmailEvent, PurchaseEvent, SocialMessageEvent, SurveyResponseEvent } from '../timeline/timeline-event.types';
import { CustomerTimelineResolver, TimelineEventResolver } from '../timeline/timeline.resolver';
import { WebhookResolver } from '../webhooks/webhook.resolver';

/** The checked-in SDL; a test holds it to what the server serves. */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema.graphql');

export async function buildTimelineSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      AccessResolver,
      NodeResolver,
      CustomerResolver,
      CustomerPreferencesResolver,
      CustomerTimelineResolver,
      PreferencesResolver,
      TimelineEventResolver,
      RecordEventResolver,
      MergeResolver,
      CustomerSearchResolver,
      PrivacyResolver,
      CaseResolver,
      CustomerCasesResolver,
      TimelineEventCaseResolver,
      CustomerInsightsResolver,
      MetricsResolver,
      SubscriptionResolver,
      CustomerChangeResolver,
      WebhookResolver,
      WebhookChangeResolver,
    ],
    orphanedTypes: [CallEvent, EmailEvent, SocialMessageEvent, PurchaseEvent, SurveyResponseEvent],
    // The contract names the scalar DateTime; type-graphql's own is DateTimeISO.
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // Inputs are checked by zod in the services so that problems become userErrors, not exceptions.
    validate: false,
    // `@Authorized(...scopes)`: the credential needs every scope listed (FORBIDDEN otherwise).
    authChecker,
    emitSchemaFile: false,
    // Every subscription brings its own `subscribe` (src/realtime); type-graphql still asks for a PubSub.
    pubSub: {
      publish: () => {
        throw new Error('subscriptions are fed by src/realtime, not by a PubSub');
      },
      subscribe: () => {
        throw new Error('subscriptions are fed by src/realtime, not by a PubSub');
      },
    },
  });
  // Masks and audit notes of personal fields (@Personal), in front of their resolvers.
  guardPersonalFields(schema);
  return schema;
}

export function printTimelineSchema(schema: GraphQLSchema): string {
  return `# Emitted from the type-graphql schema by \`npm run schema\`; do not edit by hand.\n\n${printSchema(schema)}\n`;
}
