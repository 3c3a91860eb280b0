import type { Sql } from '../db/database';
import { LostRace } from '../db/database-errors';

/**
 * One person as the database holds them: the live customer and every customer merged into it
 * (a merge points each merged customer straight at the live one). Privacy requests are about
 * the person, so they cover the whole group, whichever of its ids they name.
 */
export interface CustomerGroup {
  rootKey: string;
  /** The root first, then the customers merged into it. */
  keys: string[];
}

/** The group of the customer `key` names; null when no customer has the key. */
export async function findCustomerGroup(sql: Sql, key: string): Promise<CustomerGroup | null> {
  const [named] = await sql.query<{ root: string }>(`SELECT coalesce(merged_into, id) AS root FROM customer WHERE id = $1`, [key]);
  if (!named) return null;
  const members = await sql.query<{ id: string }>(`SELECT id FROM customer WHERE merged_into = $1 ORDER BY id`, [named.root]);
  return { rootKey: named.root, keys: [named.root, ...members.map((m) => m.id)] };
}

/**
 * The same, locked FOR UPDATE until the transaction ends, in id order as merges and writers lock,
 * so they wait for each other instead of deadlocking. A merge or unmerge that changed the group
 * between reading and locking it makes the transaction run again.
 */
export async function lockCustomerGroup(sql: Sql, key: string): Promise<CustomerGroup | null> {
  const group = await findCustomerGroup(sql, key);
  if (!group) return null;
  const locked = await sql.query<{ id: string; merged_into: string | null }>(`SELECT id, merged_into FROM customer WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [group.keys]);
  const members = await sql.query<{ id: string }>(`SELECT id FROM customer WHERE merged_into = $1 ORDER BY id`, [group.rootKey]);
  const root = locked.find((row) => row.id === group.rootKey);
  const same = members.length === group.keys.length - 1 && members.every((member, i) => member.id === group.keys[i + 1]);
  if (!root || root.merged_into || !same) throw new LostRace('a customer being merged');
  return group;
}
