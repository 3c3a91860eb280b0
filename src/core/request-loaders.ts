/**
 * A feature's DataLoaders, as functions that make each one from the services it reads through.
 * The server makes a request's loaders from every feature's, each only when first read through.
 */
export type LoaderFactories = Record<string, (services: never) => unknown>;

/** The DataLoaders that a feature's factories make. */
export type LoadersMadeBy<Factories extends LoaderFactories> = { readonly [Name in keyof Factories]: ReturnType<Factories[Name]> };
