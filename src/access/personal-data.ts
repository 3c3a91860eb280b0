import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
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

/**
 * Marks a field as personal data. A caller with PII_READ gets the value, and the customer it
 * belongs to is noted for the audit log (every answer that shows personal data in clear is
 * audited); any other caller gets it masked. On every transport, in every answer the field can
 * appear in: queries, mutation payloads, subscription items.
 */
export function Personal(mask: PersonalMask): PropertyDecorator & MethodDecorator {
  const middleware: MiddlewareFn<AccessContext> = async ({ root, context, info }, next) => {
    const value = await next();
    if (value == null || (Array.isArray(value) && value.length === 0)) return value;
    const owner = root as OwnedByCustomer;
    if (can(context.viewer, Scope.PII_READ)) {
      context.audit.shown(owner.customerKey ?? owner.key, String(rootFieldOf(info.path)));
      return value;
    }
    return masked(mask, value, owner);
  };
  return UseMiddleware(middleware) as PropertyDecorator & MethodDecorator;
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
