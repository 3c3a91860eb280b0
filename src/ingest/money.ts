import { z } from 'zod';
import { minorUnits } from '../core/money';
import { storableString } from '../core/validation';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const AMOUNT = /^(\d{1,15})(?:\.(\d{1,4}))?$/;


/**
 * A non-negative decimal string and an ISO 4217 currency, normalised to the currency's minor
 * units ("59.9" EUR becomes "59.90"). Amounts never pass through a float.
 */
export const moneySchema = z
  .object({
    amount: storableString().trim(),
    currency: storableString().trim().toUpperCase(),
  })
  .transform((money, ctx) => {
    if (!CURRENCIES.has(money.currency)) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: `"${money.currency}" is not an ISO 4217 currency code.` });
      return z.NEVER;
    }
    const match = AMOUNT.exec(money.amount);
    const digits = minorUnits(money.currency);
    if (!match) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `"${money.amount}" is not a non-negative decimal amount such as "59.90".` });
      return z.NEVER;
    }
    const [, whole, fraction = ''] = match;
    if (fraction.replace(/0+$/, '').length > digits) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `${money.currency} amounts have at most ${digits} decimal places.` });
      return z.NEVER;
    }
    const units = whole.replace(/^0+(?=\d)/, '');
    const minor = fraction.padEnd(digits, '0').slice(0, digits);
    return { amount: digits > 0 ? `${units}.${minor}` : units, currency: money.currency };
  });
