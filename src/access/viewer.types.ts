import { Field, ID, ObjectType } from 'type-graphql';
import { Role, Scope } from '../core/access-scopes';

@ObjectType('Viewer', { description: 'Who is calling: the holder of the credential the request carried.' })
export class ViewerInfo {
  @Field(() => ID, { description: "The API key's id, or a User id made from the subject of a company-login token." })
  id!: string;

  @Field({ description: "The key's name, or the token's user name (else its subject)." })
  name!: string;

  @Field(() => Role, { nullable: true, description: 'The role the credential carries; null when it only lists scopes.' })
  role!: Role | null;

  @Field(() => [Scope], { description: "Every scope the credential grants (its role's and its own; ADMIN implies all)." })
  scopes!: Scope[];
}
