import { Field, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './connection';

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

/** A Relay cursor connection: a page of items and where it sits. */
export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
}

export interface ConnectionSpec {
  /** `Timeline` makes the types TimelineConnection and TimelineEdge. */
  name: string;
  /** The item type; a class or an interface type of the schema. */
  node: () => ClassType | (abstract new (...args: never[]) => unknown);
  description: string;
  edgeDescription: string;
  nodeDescription: string;
}

/**
 * The two GraphQL object types of one connection, `<name>Connection` and `<name>Edge`, written
 * once for every list that pages (type-graphql's generic-type pattern).
 */
export function connectionType<Node>(spec: ConnectionSpec): ClassType<Connection<Node>> {
  @ObjectType(`${spec.name}Edge`, { description: spec.edgeDescription })
  class EdgeType {
    @Field({ description: 'Position of this item in the connection; pass it as `after` (or `before`) to page on from here.' })
    cursor!: string;

    @Field(spec.node, { description: spec.nodeDescription })
    node!: Node;
  }

  @ObjectType(`${spec.name}Connection`, { description: spec.description })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The items of this page, in the connection's order; empty when none match." })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: 'Cursors of this page and whether more items lie before or after it.' })
    pageInfo!: PageInfo;
  }

  return ConnectionType;
}
