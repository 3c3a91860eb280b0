import { Field, InputType, ObjectType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { IdentifierKind } from '../core/enums';

@InputType({ description: 'A way to name a customer. Values are normalised before they are matched or stored.' })
export class IdentifierInput {
  @Field(() => IdentifierKind, { description: 'What sort of identifier `value` is.' })
  kind!: IdentifierKind;

  @Field({ description: 'E-mail address, phone number in any common format (national numbers are read in the server\'s default region), social handle (with or without @), or external id (1-200 characters).' })
  value!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Required for SOCIAL (the platform: instagram, facebook, x, whatsapp, tiktok, ...) and EXTERNAL_ID (the source system: salesforce, hubspot, shopify, ...); ignored for EMAIL and PHONE. Lower-cased; letters, digits, _ . -, at most 40 characters.',
  })
  namespace?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'In upsertCustomer: true marks the identifier verified (a system confirmed the customer controls it), false clears that; left as it is when not given. Ignored by lookups and by record* mutations.',
  })
  verified?: boolean | null;
}

@ObjectType({ description: 'A normalised identifier owned by exactly one live customer.' })
export class Identifier {
  /** The owning customer's key; not exposed. */
  customerKey!: string;

  @Field(() => IdentifierKind, { description: 'What sort of identifier `value` is.' })
  kind!: IdentifierKind;

  @Personal('identifier')
  @Field({ description: 'Normalised value, masked (e.g. "m•••@example.com") without PII_READ: lower-case e-mail, E.164 phone, lower-case handle without @ (E.164 for whatsapp, signal, viber), or the external id as given.' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'Platform (SOCIAL) or source system (EXTERNAL_ID); null for EMAIL and PHONE.' })
  namespace!: string | null;

  @Field({ description: 'True once a system has confirmed the customer controls this identifier.' })
  verified!: boolean;

  @Field({ description: 'When the identifier was first attached to a customer.' })
  addedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system that supplied it; null when the write named none.' })
  source!: string | null;
}
