import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { normalisePhone } from '../src/customers/identifier-normalisation';
import { FAMILY_NAMES, GIVEN_NAMES, HANDLE_WORDS, type NameSet } from '../src/seed/demo-content';
import { Random, alphanumeric, asciiLetters } from '../src/seed/random';

/*
 * Dataset B of the search benchmark: many customers with realistic names and identifiers, loaded
 * in bulk. Names follow a long-tailed frequency (a few very common, most rare) like real
 * populations, so a surname-only search meets hundreds of namesakes, as it would in a real shop.
 */

export interface LoadedCustomers {
  customers: number;
  identifiers: number;
  /** Identifiers by kind (EMAIL, PHONE, SOCIAL, EXTERNAL_ID). */
  identifiersByKind: Record<string, number>;
  /** Distinct display names, to show how often names repeat. */
  distinctNames: number;
  milliseconds: number;
}

/** More names per set than the demo data has, appended after the demo lists (which lead, so rank as the commonest). */
const MORE_GIVEN_NAMES: Record<NameSet, readonly string[]> = {
  en: [
    'Maya', 'Sophia', 'Isabella', 'Mia', 'Evie', 'Poppy', 'Lily', 'Florence', 'Alice', 'Rosie', 'Ivy', 'Willow', 'Matilda',
    'Elsie', 'Phoebe', 'Sienna', 'Daisy', 'Millie', 'Esme', 'Eliza', 'Harriet', 'Imogen', 'Beatrice', 'Nadia', 'Leila',
    'Amira', 'Ananya', 'Divya', 'Anjali', 'Yuki', 'Hana', 'Ling', 'Xin', 'Thandiwe', 'Chiamaka', 'Ngozi', 'Abena', 'Adaeze',
    'Folake', 'Siobhan', 'Aoife', 'Saoirse', 'Maeve', 'Eilidh', 'Rhiannon', 'Cerys', 'Bethan', 'Zoe', 'Natalie', 'Rebecca',
    'Laura', 'Rachel', 'Jessica', 'Katie', 'Holly', 'Abigail', 'Victoria', 'Elizabeth', 'Catherine', 'Eleanor', 'Theo',
    'Freddie', 'Alfie', 'Charlie', 'Henry', 'Archie', 'Thomas', 'William', 'Joshua', 'Alexander', 'Max', 'Isaac', 'Edward',
    'Joseph', 'Adam', 'Ryan', 'Nathan', 'Dylan', 'Logan', 'Connor', 'Owen', 'Rhys', 'Dafydd', 'Ewan', 'Angus', 'Hamish',
    'Declan', 'Ciaran', 'Sean', 'Patrick', 'Michael', 'David', 'Andrew', 'Matthew', 'Christopher', 'Anthony', 'Kevin',
    'Brian', 'Arjun', 'Rohan', 'Vikram', 'Aryan', 'Omar', 'Yusuf', 'Ali', 'Hassan', 'Ibrahim', 'Tariq', 'Chidi', 'Emeka',
    'Kofi', 'Tunde', 'Femi', 'Jin', 'Hiroshi', 'Diego', 'Javier', 'Santiago', 'Andrés', 'Luca', 'Marco', 'Giovanni',
    'Piotr', 'Tomasz', 'Jakub',
  ],
  de: [
    'Laura', 'Lisa', 'Sarah', 'Johanna', 'Clara', 'Greta', 'Ida', 'Frieda', 'Paula', 'Charlotte', 'Ben', 'Noah', 'Luis',
    'Henry', 'Emil', 'Anton', 'Theo', 'Jakob', 'David', 'Alexander', 'Florian', 'Sebastian', 'Matthias', 'Andreas',
    'Michael', 'Thomas', 'Christian', 'Markus', 'Ayşe', 'Emre',
  ],
  fr: [
    'Emma', 'Alice', 'Lina', 'Rose', 'Anna', 'Ambre', 'Julia', 'Mila', 'Lou', 'Agathe', 'Juliette', 'Romane', 'Océane',
    'Mathilde', 'Pauline', 'Arthur', 'Raphaël', 'Léo', 'Adam', 'Maël', 'Noé', 'Tom', 'Sacha', 'Victor', 'Martin',
    'Baptiste', 'Maxime', 'Alexandre', 'Nicolas', 'Guillaume', 'Romain', 'Thibault', 'Yanis', 'Karim', 'Sofiane', 'Amine',
  ],
};

const MORE_FAMILY_NAMES: Record<NameSet, readonly string[]> = {
  en: [
    'Okafor', 'Okeke', 'Eze', 'Obi', 'Adebayo', 'Balogun', 'Boateng', 'Asante', 'Owusu', 'Appiah', 'Sharma', 'Gupta',
    'Kumar', 'Shah', 'Mehta', 'Desai', 'Chowdhury', 'Rahman', 'Hussain', 'Ali', 'Malik', 'Iqbal', 'Wang', 'Li', 'Zhang',
    'Liu', 'Huang', 'Zhao', 'Wu', 'Tanaka', 'Suzuki', 'Sato', 'Watanabe', 'Park', 'Choi', 'Tran', 'Le', 'Pham', 'Lopez',
    'Hernandez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres', 'Flores', 'Rivera', 'Silva', 'Santos', 'Ferreira',
    'Costa', 'Oliveira', 'Moore', 'Clark', 'Lewis', 'Young', 'King', 'Hill', 'Scott', 'Adams', 'Turner', 'Phillips',
    'Parker', 'Collins', 'Morris', 'Rogers', 'Reed', 'Cook', 'Morgan', 'Bell', 'Bailey', 'Cox', 'Howard', 'Ward',
    'Richardson', 'Watson', 'Brooks', 'James', 'Bennett', 'Gray', 'Price', 'Myers', 'Ford', 'Hamilton', 'Graham',
    'Sullivan', 'Wallace', 'West', 'Cole', 'Jordan', 'Owens', 'Reynolds', 'Fisher', 'Ellis', 'Harrison', 'Gibson',
    'McDonald', 'Cruz', 'Marshall', 'Gomez', 'Murray', 'Freeman', 'Wells', 'Webb', 'Simpson', 'Stevens', 'Tucker',
    'Porter', 'Hunter', 'Hicks', 'Crawford', 'Henry', 'Boyd', 'Mason', 'Kennedy', 'Warren', 'Dixon', 'Burns', 'Gordon',
    'Shaw', 'Holmes', 'Rice', 'Robertson', 'Hunt', 'Black', 'Daniels', 'Palmer', 'Mills', 'Nichols', 'Grant', 'Knight',
    'Ferguson', 'Rose', 'Stone', 'Hawkins', 'Dunn', 'Perkins', 'Spencer', 'Gardner', 'Payne', 'Pierce', 'Berry',
    'Matthews', 'Arnold', 'Willis', 'Ray', 'Watkins', 'Olson', 'Carroll', 'Duncan', 'Snyder', 'Hart', 'Cunningham',
    'Bradley', 'Lane', 'Andrews', 'Ruiz', 'Harper', 'Fox', 'Riley', 'Armstrong', 'Carpenter', 'Weaver', 'Greene',
    'Lawrence', 'Elliott', 'Chavez', 'Sims', 'Austin', 'Peters', 'Kelley', 'Franklin', 'Lawson', 'Fields', 'Ryan',
    'Carr', 'Vasquez', 'Castillo', 'Wheeler', 'Chapman', 'Oliver', 'Montgomery', 'Richards', 'Williamson', 'Johnston',
    'Banks', 'Bishop', 'McCoy', 'Howell', 'Alvarez', 'Morrison', 'Hansen', 'Fernandez', 'Harvey', 'Little', 'Burton',
    'Stanley', 'George', 'Jacobs', 'Fuller', 'Lynch', 'Dean', 'Gilbert', 'Garrett', 'Romero', 'Welch', 'Burke', 'Hanson',
    'Day', 'Mendoza', 'Moreno', 'Bowman', 'Medina', 'Fowler', "O'Connor", "O'Neill", 'McKenzie', 'Ó Súilleabháin',
  ],
  de: [
    'Schäfer', 'Bauer', 'Schulze', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schmitt', 'Köhler', 'Herrmann', 'König',
    'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn',
    'Schubert', 'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz',
    'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter', 'Kraus', 'Martin', 'Schumacher',
    'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich', 'Brandt', 'Haas', 'Schreiber',
    'Graf', 'Schulte', 'Dietrich', 'Ziegler', 'Kuhn', 'Kühn', 'Pohl', 'Engel', 'Horn', 'Busch', 'Bergmann', 'Thomas',
    'Voigt', 'Sauer', 'Arnold', 'Wolff', 'Pfeiffer', 'Öztürk', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'von Bergen',
  ],
  fr: [
    'Lambert', 'Fontaine', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin',
    'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard', 'Nguyen',
    'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier',
    'Jean', 'Perez', 'Marchand', 'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt',
    'Leroux', 'Colin', 'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc',
    'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier',
    'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot', 'Rivière', 'Le Gall', 'Guillaume', 'Rey', 'Moulin',
    'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury', 'Deschamps', 'Carpentier', 'Julien', 'Benoît', 'Maillard',
    'Marchal', 'Aubry', 'Vasseur', 'Le Roux', 'Renault', 'Jacquet', 'Collet', 'Prévost', 'Poirier', 'Charpentier',
    'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons', 'Carré', 'Breton', 'Rémy', 'Perrot', 'Guyot', 'Marty', 'Cousin', 'Haddad',
    'Mansouri', 'Boucher',
  ],
};

/**
 * Where customers come from: the name set, locale and time zone, and the fictional phone ranges
 * used there. The UK's drama ranges hold 19,000 numbers; once they are handed out, later UK
 * customers have no phone.
 */
const ORIGINS: readonly { weight: number; names: NameSet; locale: string; timeZone: string; phones: PhoneRange[] }[] = [
  { weight: 40, names: 'en', locale: 'en-GB', timeZone: 'Europe/London', phones: ukRanges() },
  { weight: 22, names: 'en', locale: 'en-US', timeZone: 'America/New_York', phones: nanpRanges() },
  { weight: 8, names: 'en', locale: 'en-AU', timeZone: 'Australia/Sydney', phones: ['+6125550', '+6137010', '+6175550', '+6185550'].map((prefix) => ({ prefix, digits: 4 })) },
  { weight: 15, names: 'de', locale: 'de-DE', timeZone: 'Europe/Berlin', phones: ['+493023125', '+496990009', '+494066969', '+498999998', '+492214710'].map((prefix) => ({ prefix, digits: 3 })) },
  { weight: 15, names: 'fr', locale: 'fr-FR', timeZone: 'Europe/Paris', phones: ['+3319900', '+3326191', '+3335301', '+3346571', '+3353649', '+3363998'].map((prefix) => ({ prefix, digits: 4 })) },
];

interface PhoneRange {
  prefix: string;
  /** Free digits after the prefix. */
  digits: number;
}

/** Ofcom's drama ranges: 1,000 numbers each. */
function ukRanges(): PhoneRange[] {
  const prefixes = [
    '2079460', '1134960', '1144960', '1154960', '1164960', '1174960', '1184960', '1214960', '1314960', '1414960', '1514960',
    '1614960', '1914980', '2920180', '2890180', '2896496', '1632960', '306999', '808157',
  ];
  return prefixes.map((p) => ({ prefix: `+44${p}`, digits: 3 }));
}

/** NANP: 555-0100 to 555-0199 are fictional in every area code; 100 numbers per area code. */
function nanpRanges(): PhoneRange[] {
  const areas = [
    '201', '202', '203', '205', '206', '207', '208', '210', '212', '213', '214', '215', '216', '217', '218', '219', '224', '225', '228', '229',
    '231', '234', '239', '240', '248', '251', '252', '253', '254', '256', '260', '262', '267', '269', '270', '276', '281', '301', '302', '303',
    '304', '305', '307', '308', '309', '310', '312', '313', '314', '315', '316', '317', '318', '319', '320', '321', '323', '330', '334', '336',
    '337', '339', '347', '351', '352', '360', '361', '386', '401', '402', '404', '405', '406', '407', '408', '409', '410', '412', '413', '414',
    '415', '417', '419', '423', '424', '425', '430', '432', '434', '435', '440', '443', '469', '470', '478', '479', '480', '484', '501', '502',
    '503', '504', '505', '507', '508', '509', '510', '512', '513', '515', '516', '517', '518', '520', '530', '540', '541', '551', '559', '561',
    '562', '563', '567', '570', '571', '573', '574', '575', '580', '585', '586', '601', '602', '603', '605', '606', '607', '608', '609', '610',
    '612', '614', '615', '616', '617', '618', '619', '620', '623', '626', '630', '631', '636', '641', '646', '650', '651', '660', '661', '662',
    '678', '682', '701', '702', '703', '704', '706', '707', '708', '712', '713', '714', '715', '716', '717', '718', '719', '720', '724', '727',
    '731', '732', '734', '740', '754', '757', '760', '763', '765', '770', '772', '773', '774', '775', '781', '785', '786', '801', '802', '803',
  ];
  return areas.map((area) => ({ prefix: `+1${area}55501`, digits: 2 }));
}

const EMAIL_DOMAINS = [['example.com', 6], ['example.org', 2], ['example.net', 2]] as const;

/** Picks from a list with weight 1 / (rank + offset): the first entries are the commonest, the tail is long. */
class RankedPicker<T> {
  private readonly cumulative: number[] = [];

  constructor(
    private readonly items: readonly T[],
    offset: number,
  ) {
    let total = 0;
    for (let rank = 0; rank < items.length; rank++) this.cumulative.push((total += 1 / (rank + offset)));
  }

  pick(random: Random): T {
    const roll = random.next() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] > roll) high = middle;
      else low = middle + 1;
    }
    return this.items[low];
  }
}

const unique = <T>(...lists: (readonly T[])[]): T[] => [...new Set(lists.flat())];

/** One batch's columns, each as the array unnest reads. */
interface Batch {
  customers: { id: string[]; display_name: string[]; given_name: string[]; family_name: string[]; locale: string[]; time_zone: string[]; created_at: string[] };
  identifiers: { customer_id: string[]; kind: string[]; namespace: string[]; value: string[]; verified: boolean[]; source: string[]; added_at: string[] };
}

const BATCH_CUSTOMERS = 10_000;
const CREATED_END = Date.parse('2025-11-01T00:00:00Z');
const CREATED_SPAN_MS = 5 * 365 * 24 * 3600 * 1000;

/**
 * Loads `count` customers with 2 to 4 identifiers each (e-mail always; phone, Instagram handle,
 * Shopify/HubSpot/Salesforce ids and a second e-mail by chance) in bulk INSERT ... SELECT FROM
 * unnest statements, then VACUUM ANALYZEs. Every value passes the server's own normalisation.
 */
export async function loadSearchCustomers(db: DataSource, count: number, phoneRegion: string): Promise<LoadedCustomers> {
  const started = performance.now();
  const random = new Random(20251124);
  const given = Object.fromEntries((['en', 'de', 'fr'] as const).map((set) => [set, new RankedPicker(unique(GIVEN_NAMES[set], MORE_GIVEN_NAMES[set]), 10)]));
  const family = Object.fromEntries((['en', 'de', 'fr'] as const).map((set) => [set, new RankedPicker(unique(FAMILY_NAMES[set], MORE_FAMILY_NAMES[set]), 20)]));
  const phonePools = new Map(ORIGINS.map((origin) => [origin, shuffledNumbers(origin.phones, random)]));
  const taken = new Set<string>();
  const claim = (space: string, make: (attempt: number) => string): string => {
    for (let attempt = 0; ; attempt++) {
      const value = make(attempt);
      if (!taken.has(`${space}|${value}`)) {
        taken.add(`${space}|${value}`);
        return value;
      }
    }
  };
  const names = new Set<string>();
  const identifiersByKind: Record<string, number> = {};
  let identifiers = 0;

  for (let first = 0; first < count; first += BATCH_CUSTOMERS) {
    const rows: Batch = {
      customers: { id: [], display_name: [], given_name: [], family_name: [], locale: [], time_zone: [], created_at: [] },
      identifiers: { customer_id: [], kind: [], namespace: [], value: [], verified: [], source: [], added_at: [] },
    };
    for (let n = first; n < Math.min(count, first + BATCH_CUSTOMERS); n++) {
      const origin = random.weighted(ORIGINS.map((o) => [o, o.weight] as const));
      const givenName = given[origin.names].pick(random);
      const familyName = family[origin.names].pick(random);
      const id = random.uuid();
      const createdAt = new Date(CREATED_END - Math.floor(random.next() * CREATED_SPAN_MS)).toISOString();
      const displayName = `${givenName} ${familyName}`;
      names.add(displayName);
      const c = rows.customers;
      c.id.push(id);
      c.display_name.push(displayName);
      c.given_name.push(givenName);
      c.family_name.push(familyName);
      c.locale.push(origin.locale);
      c.time_zone.push(origin.timeZone);
      c.created_at.push(createdAt);

      const g = asciiLetters(givenName);
      const f = asciiLetters(familyName);
      const owned: [kind: string, namespace: string, value: string, source: string][] = [];
      const email = () => claim('email', (attempt) => `${emailLocal(random, g, f, attempt)}@${random.weighted(EMAIL_DOMAINS)}`);
      owned.push(['EMAIL', '', email(), random.pick(['shopify', 'shopify', 'zendesk', 'newsletter-signup', 'import'])]);
      const phone = random.chance(0.7) ? takePhone(phonePools.get(origin)!, phoneRegion) : null;
      if (phone) owned.push(['PHONE', '', phone, random.pick(['shopify', 'twilio', 'zendesk'])]);
      if (random.chance(0.4)) owned.push(['SOCIAL', 'instagram', claim('instagram', (attempt) => handle(random, g, f, attempt)), 'instagram']);
      if (random.chance(0.5)) owned.push(['EXTERNAL_ID', 'shopify', claim('shopify', () => `gid-${random.digits(7)}`), 'shopify']);
      if (random.chance(0.15)) owned.push(['EXTERNAL_ID', 'hubspot', claim('hubspot', () => random.digits(8)), 'hubspot']);
      if (random.chance(0.1)) owned.push(['EXTERNAL_ID', 'salesforce', claim('salesforce', () => `003${alphanumeric(random, 15)}`), 'salesforce']);
      if (random.chance(0.1)) owned.push(['EMAIL', '', email(), random.pick(['zendesk', 'gmail'])]);
      if (owned.length < 2) owned.push(['EXTERNAL_ID', 'shopify', claim('shopify', () => `gid-${random.digits(7)}`), 'shopify']);
      for (const [kind, namespace, value, source] of owned.slice(0, 4)) {
        const i = rows.identifiers;
        i.customer_id.push(id);
        i.kind.push(kind);
        i.namespace.push(namespace);
        i.value.push(value);
        i.verified.push(random.chance(0.6));
        i.source.push(source);
        i.added_at.push(createdAt);
        identifiers++;
        identifiersByKind[kind] = (identifiersByKind[kind] ?? 0) + 1;
      }
    }
    await insertRows(db, 'customer', rows.customers, { id: 'uuid', created_at: 'timestamptz' });
    await insertRows(db, 'customer_identifier', rows.identifiers, { customer_id: 'uuid', verified: 'boolean', added_at: 'timestamptz' });
  }
  // VACUUM too: it moves the rows still waiting in the trigram indexes' pending lists into the
  // indexes proper, as autovacuum would soon after a load; until then searches pay to scan them.
  await db.query('VACUUM ANALYZE');

  return { customers: count, identifiers, identifiersByKind, distinctNames: names.size, milliseconds: performance.now() - started };
}

/** One statement: each column's values as one array parameter; columns not listed in `types` are text. */
async function insertRows(db: DataSource, table: string, columns: Record<string, unknown[]>, types: Record<string, string>): Promise<void> {
  const names = Object.keys(columns);
  await db.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${names.map((name, i) => `$${i + 1}::${types[name] ?? 'text'}[]`).join(', ')})`,
    names.map((name) => columns[name]),
  );
}

/** Every number of the ranges, in random order. */
function shuffledNumbers(ranges: readonly PhoneRange[], random: Random): string[] {
  const numbers = ranges.flatMap(({ prefix, digits }) => Array.from({ length: 10 ** digits }, (_, n) => `${prefix}${String(n).padStart(digits, '0')}`));
  for (let i = numbers.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [numbers[i], numbers[j]] = [numbers[j], numbers[i]];
  }
  return numbers;
}

/** The next number of the pool that the server's own normalisation keeps as it is; null when none is left. */
function takePhone(pool: string[], phoneRegion: string): string | null {
  for (let number = pool.pop(); number !== undefined; number = pool.pop()) {
    const parsed = normalisePhone(number, phoneRegion);
    if (parsed.ok && parsed.value === number) return number;
  }
  return null;
}

function emailLocal(random: Random, g: string, f: string, attempt: number): string {
  if (attempt > 1) return `${g}.${f}${random.int(2, attempt > 5 ? 9999 : 99)}`;
  return random.weighted([
    [`${g}.${f}`, 12],
    [`${g}${f}`, 2],
    [`${g[0]}.${f}`, 2],
    [`${g}_${f}`, 1],
    [`${f}.${g}`, 1],
    [`${g}${random.int(70, 99)}`, 1],
  ] as const);
}

function handle(random: Random, g: string, f: string, attempt: number): string {
  const base = random.weighted([
    [`${g}.${f}`, 3],
    [`${g}_${f}`, 2],
    [`${g}${f}`, 2],
    [`${g}.${random.pick(HANDLE_WORDS)}`, 2],
    [`${g}_${random.pick(HANDLE_WORDS)}${random.int(1, 99)}`, 1],
    [`${g[0]}${f}`, 1],
  ] as const);
  return attempt > 1 ? `${base}${random.int(2, attempt > 5 ? 99999 : 999)}` : base;
}


