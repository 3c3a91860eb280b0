import type { TestServer } from './test-server';

/**
 * A rule of the deployment that this code knows nothing of: the database refuses, with a
 * check_violation, any event whose summary contains "poison".
 */
export async function refuseEventsAboutPoison(server: TestServer): Promise<void> {
  await server.db.query(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.summary LIKE '%poison%' THEN RAISE EXCEPTION 'refused: %', NEW.summary USING ERRCODE = 'check_violation'; END IF;
      RETURN NEW;
    END $$`);
  await server.db.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON timeline_event FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
}
