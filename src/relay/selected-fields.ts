import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** What an operation asks of one object's field: its arguments, and what it selects below. */
export interface SelectedField {
  /** The field's name in the schema (not its alias). */
  name: string;
  /** Its arguments, coerced and with the operation's variables in place. */
  args: Record<string, unknown>;
  /** The fields it selects on its own object type (empty for a scalar or an abstract type). */
  children(): SelectedField[];
}

interface Operation {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variableValues: Record<string, unknown>;
}

/**
 * The fields the resolving field selects on its object type, read from the operation the way
 * graphql-js collects them: through fragments and inline fragments that apply to the type,
 * without those `@skip`ped or not `@include`d. A field asked for under several aliases or with
 * different arguments appears once for each distinct set of arguments.
 */
export function selectedFields(info: GraphQLResolveInfo): SelectedField[] {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return [];
  return fieldsOf(info, type, info.fieldNodes);
}

/**
 * Whether the resolving field's selection asks for a field of this name directly below it, on any
 * type it may turn out to be (inline fragments and fragments of every type condition, whatever
 * their directives): a cheap yes-or-no for reading ahead, which may say yes for a field that is
 * then skipped, never no for one that is asked.
 */
export function mayAskFor(info: GraphQLResolveInfo, fieldName: string): boolean {
  const seenFragments = new Set<string>();
  const inSet = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === fieldName;
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSet(selection.selectionSet);
      if (seenFragments.has(selection.name.value)) return false;
      seenFragments.add(selection.name.value);
      return inSet(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}

function fieldsOf(operation: Operation, type: GraphQLObjectType, nodes: readonly FieldNode[]): SelectedField[] {
  const byName = new Map<string, { definition: GraphQLField<unknown, unknown>; nodes: FieldNode[] }[]>();
  const collect = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(operation, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const definition = type.getFields()[selection.name.value];
        if (!definition) continue;
        const groups = byName.get(definition.name) ?? [];
        // Fields of one response key are merged by graphql-js; separate keys each get their own.
        const key = (selection.alias ?? selection.name).value;
        const group = groups.find((candidate) => (candidate.nodes[0].alias ?? candidate.nodes[0].name).value === key);
        if (group) group.nodes.push(selection);
        else groups.push({ definition, nodes: [selection] });
        byName.set(definition.name, groups);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || applies(operation.schema, selection.typeCondition.name.value, type)) collect(selection.selectionSet);
      } else {
        const fragment = operation.fragments[selection.name.value];
        if (fragment && applies(operation.schema, fragment.typeCondition.name.value, type)) collect(fragment.selectionSet);
      }
    }
  };
  for (const node of nodes) collect(node.selectionSet);

  const fields: SelectedField[] = [];
  for (const groups of byName.values()) {
    const seen = new Set<string>();
    for (const { definition, nodes: fieldNodes } of groups) {
      const args = getArgumentValues(definition, fieldNodes[0], operation.variableValues);
      const signature = JSON.stringify(args);
      if (seen.has(signature)) continue;
      seen.add(signature);
      const childType = getNamedType(definition.type);
      fields.push({
        name: definition.name,
        args,
        children: () => (isObjectType(childType) ? fieldsOf(operation, childType, fieldNodes) : []),
      });
    }
  }
  return fields;
}

function included(operation: Operation, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, operation.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, operation.variableValues)?.if !== false;
}

function applies(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && conditionType !== null && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}
