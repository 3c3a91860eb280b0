import { defaultFieldResolver, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import type { IdentifierKind } from '../core/enums';
import { can } from '../core/viewer';
import type { AccessContext } from './access.context';
import { maskEmail, maskHandle, maskIdentifier, maskName, maskPhone } from './masks';

/**
 * How a personal field reads for a caller without PII_READ:
 * `name`, `email`, `phone`, `handle`, `identifier` (masked by the identifier's own kind) keep a
 * masked shape; `emails` masks each address of a list; `text` becomes null; `texts` an empty
 * list; or a function gives the value to show instead (a summary written without personal text).
 */
export type PersonalMask = 'name' | 'email' | 'emails' | 'phone' | 'handle' | 'identifier' | 'text' | 'texts' | ((root: any) => unknown);

/** The objects that carry personal fields name their customer by `customerKey` (or `key`, a customer itself). */
interface OwnedByCustomer {
  customerKey?: string;
  key?: string;
  kind?: IdentifierKind;
  namespace?: string | null;
}

/** The field extension that carries a personal field's mask into the built schema. */
const PERSONAL_MASK = 'personalMask';

/**
 * Marks a field as personal data. A caller with PII_READ gets the value, and the customer it
 * belongs to is noted for the audit log (every answer that shows personal data in clear is
 * audited); any other caller gets it masked. On every transport, in every answer the field can
 * appear in: queries, mutation payloads, subscription items. The rule is put in front of each
 * field's resolver by guardPersonalFields, which the schema is built with.
 */
export function Personal(mask: PersonalMask): PropertyDecorator & MethodDecorator {
  return Extensions({ [PERSONAL_MASK]: mask }) as PropertyDecorator & MethodDecorator;
}

/**
 * Puts each personal field's rule in front of its resolver, in the built schema. Synchronous
 * where the field is (a property, as nearly all are), so that an object whose fields are all
 * plain completes without a promise per field: a type-graphql middleware is always async, and
 * a page of 50 events then spent a third of its time making and settling promises. Answers the
 * number of fields guarded.
 */
export function guardPersonalFields(schema: GraphQLSchema): number {
  let guarded = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const mask = field.extensions?.[PERSONAL_MASK] as PersonalMask | undefined;
      if (!mask) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context: AccessContext, info) => {
        const value = resolve(root, args, context, info);
        return isPromiseLike(value) ? value.then((settled) => shown(mask, settled, root, context, info)) : shown(mask, value, root, context, info);
      };
      guarded++;
    }
  }
  return guarded;
}

/** What the caller sees of a personal value: the value (noted for the audit), or its mask. */
function shown(mask: PersonalMask, value: unknown, root: unknown, context: AccessContext, info: GraphQLResolveInfo): unknown {
  if (value == null || (Array.isArray(value) && value.length === 0)) return value;
  const owner = root as OwnedByCustomer;
  if (can(context.viewer, Scope.PII_READ)) {
    context.audit.shown(owner.customerKey ?? owner.key, String(rootFieldOf(info.path)));
    return value;
  }
  return masked(mask, value, owner);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function masked(mask: PersonalMask, value: unknown, owner: OwnedByCustomer): unknown {
  if (typeof mask === 'function') return mask(owner);
  switch (mask) {
    case 'name':
      return maskName(String(value));
    case 'email':
      return maskEmail(String(value));
    case 'emails':
      return (value as string[]).map(maskEmail);
    case 'phone':
      return maskPhone(String(value));
    case 'handle':
      return maskHandle(String(value));
    case 'identifier':
      return maskIdentifier(owner.kind!, String(value), owner.namespace ?? null);
    case 'text':
      return null;
    case 'texts':
      return [];
  }
}

function rootFieldOf(path: { prev: unknown; key: string | number }): string | number {
  let at = path;
  while (at.prev) at = at.prev as typeof path;
  return at.key;
}
