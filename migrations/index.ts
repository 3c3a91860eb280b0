import { InitialSchema1763900000000 } from './1763900000000-InitialSchema';

/** Every migration in the order it runs; listed rather than globbed so tests and builds agree. */
export const migrations = [InitialSchema1763900000000];
