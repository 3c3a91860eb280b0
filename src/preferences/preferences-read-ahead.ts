import type { CustomerReadAhead } from '../customers/customer-read-ahead';
import type { PreferencesLoaders } from './preferences.loaders';
import type { PreferencesService } from './preferences.service';

/** `Customer.preferences { consents }` read in the customer's own statement (customers/customer-read-ahead.ts). */
export function preferencesReadAhead(preferences: PreferencesService): CustomerReadAhead<PreferencesLoaders> {
  return {
    field: 'preferences',
    // The rest of the preferences are the customer's own columns; only the consents need reading.
    column: (selection) => (selection.children().some((child) => child.name === 'consents') ? preferences.consentsColumn() : null),
    prime: (loaders, customerKey, _selection, value) => {
      loaders.consentsByCustomer.prime(customerKey, preferences.consentsFromColumn(value));
    },
  };
}
