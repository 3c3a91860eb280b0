import { buildTimelineSchema } from '../src/server/schema';
import { Scope } from '../src/core/access-scopes';

describe('the schema', () => {
  it('says in every query, mutation and subscription which scope it needs', async () => {
    const schema = await buildTimelineSchema();
    const silent: string[] = [];
    for (const type of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]) {
      for (const field of Object.values(type.getFields())) {
        const description = field.description ?? '';
        if (!Object.values(Scope).some((scope) => description.includes(scope)) && !description.includes('Needs no scope')) silent.push(`${type.name}.${field.name}`);
      }
    }
    expect(silent).toEqual([]);
  });
});
