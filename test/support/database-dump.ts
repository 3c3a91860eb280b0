import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface DatabaseDump {
  /** `pg_dump` when one that can read this server is installed; else every row of every table, read with SELECT. */
  method: 'pg_dump' | 'select';
  text: string;
}

/**
 * The whole database as text, to search for values that must be gone. pg_dump refuses a server
 * newer than itself (the embedded PostgreSQL 18 next to a distribution's pg_dump 15): then every
 * table of every schema is read out instead, which holds the same rows.
 */
export async function dumpDatabase(url: string): Promise<DatabaseDump> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const serverMajor = Math.floor(Number((await client.query(`SHOW server_version_num`)).rows[0].server_version_num) / 10_000);
    const dumpMajor = await pgDumpMajor();
    if (dumpMajor !== null && dumpMajor >= serverMajor) {
      const { stdout } = await run('pg_dump', ['--dbname', url, '--no-owner', '--no-privileges'], { maxBuffer: 1 << 30 });
      return { method: 'pg_dump', text: stdout };
    }
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query(`SELECT t::text AS row FROM ${name} t`);
      parts.push(`-- ${name}`, ...rows.rows.map((r) => r.row));
    }
    return { method: 'select', text: parts.join('\n') };
  } finally {
    await client.end();
  }
}

async function pgDumpMajor(): Promise<number | null> {
  try {
    const { stdout } = await run('pg_dump', ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
