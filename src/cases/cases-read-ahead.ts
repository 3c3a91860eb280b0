import type { CustomerReadAhead } from '../customers/customer-read-ahead';
import { isBadUserInput } from '../core/errors';
import { pageRequest, type ConnectionArgs } from '../relay/connection';
import type { CaseLoaders } from './case.loaders';
import type { CasePageRequest, CaseService } from './case.service';
import type { CaseStatus } from './case.types';

/** The page `Customer.cases(status, ...args)` asks for: its resolver and its read-ahead build it alike. */
export function customerCasesRequest(customerKey: string, args: ConnectionArgs, status: CaseStatus[] | null | undefined): CasePageRequest {
  return { customerKey, statuses: status?.length ? status : null, page: pageRequest(args) };
}

/** `Customer.cases` read in the customer's own statement (customers/customer-read-ahead.ts). */
export function casesReadAhead(cases: CaseService): CustomerReadAhead<CaseLoaders> {
  return {
    field: 'cases',
    column: ({ args }, params) => {
      try {
        const { page, statuses } = customerCasesRequest('', args, args.status as CaseStatus[] | null);
        return cases.customerPageColumn(page, statuses, params);
      } catch (error) {
        // Arguments the resolver refuses: the error must come from the field.
        if (isBadUserInput(error)) return null;
        throw error;
      }
    },
    prime: (loaders, customerKey, { args }, value) => {
      const request = customerCasesRequest(customerKey, args, args.status as CaseStatus[] | null);
      loaders.casePage.prime(request, cases.pageFromColumn(value, request.page));
    },
  };
}
