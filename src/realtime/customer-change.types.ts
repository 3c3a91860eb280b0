import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CustomerChangeKind } from '../changefeed/notifications';

export { CustomerChangeKind };

registerEnumType(CustomerChangeKind, {
  name: 'CustomerChangeKind',
  description: 'What changed about a customer.',
  valuesConfig: {
    CREATED: { description: 'The customer was created: by upsertCustomer/syncCustomers, or by recording an event for an identifier nobody had.' },
    PROFILE_UPDATED: { description: 'Profile fields changed (displayName, givenName, familyName, locale, timeZone).' },
    IDENTIFIERS_CHANGED: { description: 'Identifiers were added or removed, or their verified flag changed.' },
    PREFERENCES_UPDATED: { description: 'Preferences or consents changed (updatePreferences).' },
    MERGED: {
      description:
        'The customer was merged into another (`customerId` = `mergedId`) or absorbed one (`customerId` = `survivorId`); one change is announced for each of the two.',
    },
    UNMERGED: {
      description: 'A merge was undone: announced for the restored customer (`customerId` = `mergedId`) and for the former survivor (`customerId` = `survivorId`).',
    },
    ERASED: { description: 'eraseCustomer removed the personal data of the customer (and of customers merged into it); it now reads as "Erased customer".' },
  },
});

@ObjectType({ description: 'A committed change to one customer, as `customerChanged` announces it.' })
export class CustomerChange {
  /** Database keys; not exposed. */
  customerKey!: string;
  survivorKey!: string | null;
  mergedKey!: string | null;

  @Field(() => CustomerChangeKind, { description: 'What changed.' })
  kind!: CustomerChangeKind;

  @Field(() => ID, { description: 'Global ID of the customer the change is about, as it was named when the change happened (for MERGED, possibly the merged-away id).' })
  customerId!: string;

  @Field(() => ID, { nullable: true, description: 'MERGED and UNMERGED: the customer that survived (or survived until the unmerge). Null for other kinds.' })
  survivorId!: string | null;

  @Field(() => ID, { nullable: true, description: 'MERGED and UNMERGED: the customer that was merged away (or brought back). Null for other kinds.' })
  mergedId!: string | null;

  @Field({ description: 'When the change was written: the time of its transaction, equal to the `updatedAt` it gave the customer.' })
  occurredAt!: Date;
}
