import 'reflect-metadata';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { CustomerResolver } from '../customers/customer.resolver';
import { RecordEventResolver } from '../ingest/record-event.resolver';
import { MergeResolver } from '../merges/merge.resolver';
import { CustomerSearchResolver } from '../search/customer-search.resolver';
import { PreferencesResolver } from '../preferences/preferences.resolver';
import { NodeResolver } from '../relay/node.resolver';
import { TimelineEventResolver } from '../timeline/timeline.resolver';
import { CustomerChangeResolver, SubscriptionResolver } from '../realtime/subscription.resolver';
import { CallEvent, EmailEvent, PurchaseEvent, SocialMessageEvent, SurveyResponseEvent } from '../timeline/timeline-event.types';

export function buildTimelineSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      NodeResolver,
      CustomerResolver,
      PreferencesResolver,
      TimelineEventResolver,
      RecordEventResolver,
      MergeResolver,
      CustomerSearchResolver,
      SubscriptionResolver,
      CustomerChangeResolver,
    ],
    orphanedTypes: [CallEvent, EmailEvent, SocialMessageEvent, PurchaseEvent, SurveyResponseEvent],
    // The contract names the scalar DateTime; type-graphql's own is DateTimeISO.
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // Inputs are checked by zod in the services so that problems become userErrors, not exceptions.
    validate: false,
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
}
