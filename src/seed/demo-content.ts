/**
 * Word lists behind the demo data: names, where customers live (with phone numbers only from
 * the ranges regulators set aside for fiction), a running-shop catalogue, and what customers
 * write and say about. Kept apart from the generator so the generator reads as logic.
 */
import type { Random } from './random';

export type NameSet = 'en' | 'de' | 'fr';

export const GIVEN_NAMES: Record<NameSet, readonly string[]> = {
  en: [
    'Olivia', 'Amelia', 'Isla', 'Ava', 'Grace', 'Freya', 'Sophie', 'Emily', 'Chloe', 'Hannah', 'Priya', 'Aisha', 'Zara',
    'Lucy', 'Ella', 'Ruby', 'Niamh', 'Megan', 'Jasmine', 'Sofia', 'Madison', 'Harper', 'Mei', 'Fatima', 'Charlotte',
    'Noah', 'Oliver', 'George', 'Harry', 'Jack', 'Leo', 'Arthur', 'Oscar', 'James', 'Ethan', 'Liam', 'Lucas', 'Samuel',
    'Daniel', 'Kwame', 'Ravi', 'Mohammed', 'Tom', 'Ben', 'Marcus', 'Tyler', 'Jordan', 'Carlos', 'Mateo', 'Wei', 'Kenji',
    'Rory', 'Finlay', 'Callum', 'Aaron',
  ],
  de: [
    'Lena', 'Mia', 'Hannah', 'Lea', 'Marie', 'Anna', 'Sophie', 'Katrin', 'Sabine', 'Julia', 'Lara', 'Emilia', 'Jana',
    'Jonas', 'Lukas', 'Felix', 'Paul', 'Maximilian', 'Leon', 'Finn', 'Elias', 'Jürgen', 'Stefan', 'Tobias', 'Moritz', 'Niklas',
  ],
  fr: [
    'Léa', 'Chloé', 'Manon', 'Camille', 'Inès', 'Jade', 'Louise', 'Zoé', 'Élodie', 'Margaux', 'Clara', 'Sarah', 'Amandine',
    'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Jules', 'Théo', 'Nathan', 'Mathis', 'Julien', 'Antoine', 'Mehdi', 'Bastien', 'Rémi',
  ],
};

export const FAMILY_NAMES: Record<NameSet, readonly string[]> = {
  en: [
    'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson',
    'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Singh', 'Ahmed', 'Nguyen',
    'Chen', 'Garcia', 'Martinez', 'Rodriguez', 'Kim', 'Murphy', "O'Brien", 'Kelly', 'Campbell', 'Stewart', 'MacDonald',
    'Adeyemi', 'Mensah', 'Novak', 'Kowalski', 'Rossi', 'Hughes', 'Edwards', 'Cooper', 'Mitchell', 'Baker', 'Lee', 'Okonkwo',
    'Fraser', 'Reid',
  ],
  de: [
    'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter',
    'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Yılmaz', 'Hartmann', 'Lange', 'Werner',
  ],
  fr: [
    'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
    'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Benali', 'Girard', 'Bonnet', 'Mercier',
  ],
};

/** A place customers live: its time zone, the UTC offset used for their day, and a fictional number there. */
export interface Place {
  timeZone: string;
  /** Standard-time offset in hours; good enough to put calls in the customer's daytime. */
  utcOffset: number;
  locales: readonly (readonly [string, number])[];
  /** A phone number in E.164, from a range reserved for drama and examples. */
  phone(rng: Random): string;
}

export interface Region {
  country: 'GB' | 'US' | 'CA' | 'AU' | 'DE' | 'FR';
  weight: number;
  currency: string;
  names: readonly (readonly [NameSet, number])[];
  /** The shop's own line in this country; never given to a customer. */
  supportLine: string;
  places: readonly Place[];
}

const digits = (rng: Random, count: number) => String(rng.int(0, 10 ** count - 1)).padStart(count, '0');

/** NANP: 555-0100 to 555-0199 are fictional in every area code. */
function nanp(area: string, timeZone: string, utcOffset: number, locales: Place['locales']): Place {
  return { timeZone, utcOffset, locales, phone: (rng) => `+1${area}55501${digits(rng, 2)}` };
}

/** Ofcom's drama ranges (geographic; libphonenumber rejects the 07700 900xxx mobile one). */
function ofcom(prefix: string): Place {
  return { timeZone: 'Europe/London', utcOffset: 0, locales: [['en-GB', 1]], phone: (rng) => `+44${prefix}${digits(rng, 3)}` };
}

/** ACMA's fictional mobile numbers, used before the fictional landline ranges. */
const AU_MOBILES = [
  '+61491570006', '+61491570156', '+61491570157', '+61491570158', '+61491570159', '+61491570110', '+61491570313',
  '+61491570737', '+61491571266', '+61491571491', '+61491571804', '+61491572549', '+61491572665', '+61491572983',
  '+61491573770', '+61491573087', '+61491574118', '+61491574632', '+61491575254', '+61491575789', '+61491576398',
  '+61491576801', '+61491577426', '+61491577644', '+61491578957', '+61491578148', '+61491578888', '+61491579212',
  '+61491579760', '+61491579455',
];

function acma(landline: string, timeZone: string, utcOffset: number): Place {
  return {
    timeZone,
    utcOffset,
    locales: [['en-AU', 1]],
    phone: (rng) => (rng.chance(0.6) ? rng.pick(AU_MOBILES) : `+61${landline}${digits(rng, 4)}`),
  };
}

export const REGIONS: readonly Region[] = [
  {
    country: 'GB',
    weight: 35,
    currency: 'GBP',
    names: [['en', 1]],
    supportLine: '+442079460000',
    places: ['2079460', '1134960', '1614960', '1314960', '1174960', '1214960', '2920180', '2890180'].map(ofcom),
  },
  {
    country: 'US',
    weight: 25,
    currency: 'USD',
    names: [['en', 1]],
    supportLine: '+12025550100',
    places: [
      nanp('212', 'America/New_York', -5, [['en-US', 1]]),
      nanp('646', 'America/New_York', -5, [['en-US', 1]]),
      nanp('617', 'America/New_York', -5, [['en-US', 1]]),
      nanp('202', 'America/New_York', -5, [['en-US', 1]]),
      nanp('305', 'America/New_York', -5, [['en-US', 4], ['es-US', 1]]),
      nanp('312', 'America/Chicago', -6, [['en-US', 1]]),
      nanp('512', 'America/Chicago', -6, [['en-US', 1]]),
      nanp('303', 'America/Denver', -7, [['en-US', 1]]),
      nanp('415', 'America/Los_Angeles', -8, [['en-US', 1]]),
      nanp('206', 'America/Los_Angeles', -8, [['en-US', 1]]),
      nanp('213', 'America/Los_Angeles', -8, [['en-US', 3], ['es-US', 1]]),
    ],
  },
  {
    country: 'CA',
    weight: 10,
    currency: 'CAD',
    names: [['en', 3], ['fr', 1]],
    supportLine: '+14165550100',
    places: [
      nanp('416', 'America/Toronto', -5, [['en-CA', 1]]),
      nanp('613', 'America/Toronto', -5, [['en-CA', 3], ['fr-CA', 1]]),
      nanp('514', 'America/Toronto', -5, [['fr-CA', 3], ['en-CA', 1]]),
      nanp('604', 'America/Vancouver', -8, [['en-CA', 1]]),
    ],
  },
  {
    country: 'AU',
    weight: 10,
    currency: 'AUD',
    names: [['en', 1]],
    supportLine: '+61255500000',
    places: [
      acma('25550', 'Australia/Sydney', 10),
      acma('37010', 'Australia/Melbourne', 10),
      acma('75550', 'Australia/Brisbane', 10),
      acma('85550', 'Australia/Perth', 8),
    ],
  },
  {
    country: 'DE',
    weight: 10,
    currency: 'EUR',
    names: [['de', 6], ['en', 1]],
    supportLine: '+493023125000',
    places: ['3023125', '6990009', '4066969', '8999998', '2214710'].map((prefix) => ({
      timeZone: 'Europe/Berlin',
      utcOffset: 1,
      locales: [['de-DE', 1]] as const,
      phone: (rng: Random) => `+49${prefix}${digits(rng, 3)}`,
    })),
  },
  {
    country: 'FR',
    weight: 10,
    currency: 'EUR',
    names: [['fr', 6], ['en', 1]],
    supportLine: '+33199000000',
    places: ['19900', '26191', '35301', '46571', '53649'].map((prefix) => ({
      timeZone: 'Europe/Paris',
      utcOffset: 1,
      locales: [['fr-FR', 1]] as const,
      phone: (rng: Random) => `+33${prefix}${digits(rng, 4)}`,
    })),
  },
];

/** Catalogue prices are in GBP; other currencies convert and end in .99. */
export const GBP_RATES: Record<string, number> = { GBP: 1, EUR: 1.17, USD: 1.27, CAD: 1.72, AUD: 1.93 };

export interface Product {
  sku: string;
  name: string;
  /** Price in whole pounds. */
  gbp: number;
  /** Relative chance of being in an order. */
  weight: number;
  /** Most orders have 1; consumables more. */
  maxQuantity: number;
}

export const CATALOGUE: readonly Product[] = [
  { sku: 'RUN-1001', name: 'Ridgeline trail running shoes', gbp: 129, weight: 8, maxQuantity: 1 },
  { sku: 'RUN-1002', name: 'Tempo road running shoes', gbp: 119, weight: 8, maxQuantity: 1 },
  { sku: 'RUN-1003', name: 'Cloudrest recovery sandals', gbp: 45, weight: 3, maxQuantity: 1 },
  { sku: 'RUN-2001', name: 'Merino running socks (3 pairs)', gbp: 18, weight: 10, maxQuantity: 3 },
  { sku: 'RUN-2002', name: 'Lightweight running jacket', gbp: 89, weight: 5, maxQuantity: 1 },
  { sku: 'RUN-2003', name: 'Running tights', gbp: 49, weight: 6, maxQuantity: 2 },
  { sku: 'RUN-2004', name: 'Technical running tee', gbp: 29, weight: 8, maxQuantity: 3 },
  { sku: 'RUN-2005', name: 'Fleece mid-layer', gbp: 59, weight: 4, maxQuantity: 1 },
  { sku: 'RUN-2006', name: 'Running cap', gbp: 22, weight: 5, maxQuantity: 2 },
  { sku: 'RUN-2007', name: 'Compression calf sleeves', gbp: 32, weight: 3, maxQuantity: 1 },
  { sku: 'RUN-3001', name: 'Hydration vest 5 L', gbp: 74, weight: 4, maxQuantity: 1 },
  { sku: 'RUN-3002', name: 'Insulated water bottle 750 ml', gbp: 24, weight: 6, maxQuantity: 2 },
  { sku: 'RUN-3003', name: 'Energy gels (box of 12)', gbp: 21, weight: 7, maxQuantity: 4 },
  { sku: 'RUN-3004', name: 'Headlamp 300 lm', gbp: 39, weight: 4, maxQuantity: 1 },
  { sku: 'RUN-3005', name: 'GPS running watch', gbp: 249, weight: 2, maxQuantity: 1 },
  { sku: 'RUN-3006', name: 'Trail gaiters', gbp: 25, weight: 3, maxQuantity: 1 },
  { sku: 'RUN-3007', name: 'Foam roller', gbp: 28, weight: 3, maxQuantity: 1 },
  { sku: 'OUT-4001', name: 'Waterproof hiking boots', gbp: 149, weight: 4, maxQuantity: 1 },
  { sku: 'OUT-4002', name: 'Trekking poles (pair)', gbp: 65, weight: 3, maxQuantity: 1 },
  { sku: 'OUT-4003', name: 'Daypack 20 L', gbp: 69, weight: 3, maxQuantity: 1 },
  { sku: 'OUT-4004', name: 'Sport sunglasses', gbp: 55, weight: 3, maxQuantity: 1 },
];

export interface Agent {
  id: string;
  name: string;
}

export const AGENTS: readonly Agent[] = [
  { id: 'priya.nair', name: 'Priya' },
  { id: 'tom.walsh', name: 'Tom' },
  { id: 'lena.vogel', name: 'Lena' },
  { id: 'sam.carter', name: 'Sam' },
  { id: 'ines.moreau', name: 'Inès' },
  { id: 'daniel.osei', name: 'Daniel' },
  { id: 'hannah.kim', name: 'Hannah' },
  { id: 'marco.rossi', name: 'Marco' },
];

export const SUPPORT_ADDRESS = 'support@example.net';
export const ORDERS_ADDRESS = 'orders@example.net';
export const NEWS_ADDRESS = 'news@example.net';

/**
 * Something a customer gets in touch about. Templates use {given}, {agent}, {order}, {item}
 * and {product}; topics that name an order are used only once the customer has one.
 */
export interface Topic {
  key: string;
  needsOrder: boolean;
  weight: number;
  subjects: readonly string[];
  bodies: readonly string[];
  replies: readonly string[];
  followUps: readonly string[];
  dms: readonly string[];
  dmReplies: readonly string[];
  /** Call transcripts, one line per turn. */
  calls: readonly (readonly string[])[];
}

const SIGN_OFF = '\n\nBest wishes,\n{agent}\nCustomer Support';

export const TOPICS: readonly Topic[] = [
  {
    key: 'where-is-my-order',
    needsOrder: true,
    weight: 10,
    subjects: ['Where is my order {order}?', 'Order {order} has not arrived', 'Delivery status of {order}'],
    bodies: [
      'Hi,\n\nI placed order {order} last week and it still has not arrived. The tracking page has not changed for three days. Can you check what is happening?\n\nThanks,\n{given}',
      'Hello,\n\nCould you tell me when order {order} will be delivered? I need the {item} for a race at the weekend.\n\n{given}',
    ],
    replies: [
      'Hi {given},\n\nThanks for getting in touch. I have checked with the courier: your parcel for {order} is at the local depot and will be delivered within the next two working days.' + SIGN_OFF,
      'Hi {given},\n\nSorry for the wait. The courier lost track of your parcel for {order}, so I have sent a replacement by express delivery today. You will get a new tracking link shortly.' + SIGN_OFF,
    ],
    followUps: ['Thanks - it has arrived now.', 'Still nothing today. Could you chase the courier again?'],
    dms: ['Hey, any update on order {order}? Tracking has not moved in days', 'Hi, my order {order} still has not shown up, can you check?', 'where is my parcel?? order {order}'],
    dmReplies: [
      'Hi {given}, sorry for the wait! Your parcel is at the local depot and should be with you in 1-2 working days.',
      'Hi {given}, thanks for your patience. I have asked the courier to prioritise {order}; we will message you as soon as it moves.',
    ],
    calls: [
      [
        'Agent: Thanks for calling, you are speaking with {agent}. How can I help?',
        'Customer: Hi, I am calling about order {order}. It has not arrived yet.',
        'Agent: Let me check. The courier has it at the local depot; it should be with you within two working days.',
        'Customer: Okay, thanks for checking.',
      ],
      [
        'Agent: Hello, {agent} speaking.',
        'Customer: Hi, my order {order} was due yesterday and the tracking says delivered, but there is nothing here.',
        'Agent: I am sorry. I will open a claim with the courier and send a replacement today.',
        'Customer: That would be great, thank you.',
      ],
    ],
  },
  {
    key: 'return',
    needsOrder: true,
    weight: 8,
    subjects: ['Return for order {order}', 'How do I return the {item}?', 'Returning part of {order}'],
    bodies: [
      'Hi,\n\nI would like to return the {item} from order {order}. They are unworn and still in the box. How do I get a return label?\n\nThanks,\n{given}',
      'Hello,\n\nThe {item} does not suit me. Can I send it back for a refund?\n\nRegards,\n{given}',
    ],
    replies: [
      'Hi {given},\n\nOf course. I have attached a prepaid return label for {order}. Once the parcel is back with us we will refund you within five working days.' + SIGN_OFF,
    ],
    followUps: ['Label printed and parcel dropped off, thanks.', 'The label does not scan at the post office. Could you send another?'],
    dms: ['Hi, how do I return something from order {order}?', 'Can I return the {item} if I have worn it once?'],
    dmReplies: [
      'Hi {given}! You can start a return from your account page, or send us your order number and we will e-mail a prepaid label.',
      'Hi {given}, unworn items can be returned within 30 days. I have e-mailed you a prepaid label for {order}.',
    ],
    calls: [
      [
        'Agent: Good morning, {agent} speaking.',
        'Customer: Hi, I want to return the {item} from order {order}.',
        'Agent: No problem, I will e-mail you a prepaid return label now.',
        'Customer: Great, thanks.',
      ],
    ],
  },
  {
    key: 'exchange',
    needsOrder: true,
    weight: 6,
    subjects: ['Exchange for order {order}', 'Wrong size - {order}', 'Can I swap the {item} for another size?'],
    bodies: [
      'Hi,\n\nThe {item} from order {order} is too small. Could I exchange it for one size up?\n\nThanks,\n{given}',
      'Hello,\n\nI received the wrong size in order {order}. I ordered a medium and got a large. Can you swap it?\n\n{given}',
    ],
    replies: [
      'Hi {given},\n\nSorry about that. I have reserved the right size for you and attached a prepaid return label. We will send the replacement as soon as the parcel is scanned.' + SIGN_OFF,
    ],
    followUps: ['Thanks, the new size fits perfectly.', 'I sent the old pair back a week ago. When will the new one ship?'],
    dms: ['Hi! Can I exchange the {item} for a different size?', 'The {item} came in the wrong size, order {order}. Can you help?'],
    dmReplies: ['Hi {given}, yes of course! I have e-mailed you a prepaid label; the new size ships as soon as the parcel is scanned.'],
    calls: [
      [
        'Agent: Hello, you are through to {agent}.',
        'Customer: Hi, the {item} from order {order} is the wrong size.',
        'Agent: I am sorry about that. I can exchange it free of charge; I will e-mail you a return label.',
        'Customer: Perfect, thank you.',
      ],
    ],
  },
  {
    key: 'damaged',
    needsOrder: true,
    weight: 4,
    subjects: ['{item} arrived damaged', 'Damaged item in order {order}'],
    bodies: [
      'Hi,\n\nThe {item} in order {order} arrived with a tear in the side. Photos attached. What can you do?\n\n{given}',
      'Hello,\n\nThe box for order {order} was crushed and the {item} is broken.\n\nRegards,\n{given}',
    ],
    replies: ['Hi {given},\n\nI am sorry it arrived like that. A replacement is on its way today, and there is no need to send the damaged one back.' + SIGN_OFF],
    followUps: ['Replacement arrived, thank you.', 'Thanks. Could I have a refund instead of a replacement?'],
    dms: ['My {item} arrived damaged 😞 order {order}', 'Hi, parcel arrived crushed and the {item} is broken'],
    dmReplies: ['So sorry {given}! A replacement is on its way today, no need to send the damaged one back.'],
    calls: [
      [
        'Agent: Thanks for calling, {agent} here.',
        'Customer: My {item} arrived damaged, order {order}.',
        'Agent: I am sorry. I will send a replacement today; you can keep or recycle the damaged one.',
        'Customer: Thanks, that is helpful.',
      ],
    ],
  },
  {
    key: 'refund',
    needsOrder: true,
    weight: 5,
    subjects: ['Refund for order {order} not received', 'When will I get my refund?'],
    bodies: [
      'Hi,\n\nI returned the {item} from order {order} two weeks ago but have not had my refund yet. Can you check?\n\n{given}',
    ],
    replies: [
      'Hi {given},\n\nThe warehouse received your return on Monday and the refund for {order} went out today. It can take 3-5 working days to show on your statement.' + SIGN_OFF,
    ],
    followUps: ['Refund received, thanks.', 'It has been a week and still nothing on my card.'],
    dms: ['Hi, still waiting for my refund for order {order}', 'When will my refund come through? Sent the return 2 weeks ago'],
    dmReplies: ['Hi {given}, your refund was issued today. It can take 3-5 working days to appear on your statement.'],
    calls: [
      [
        'Agent: Hello, {agent} speaking.',
        'Customer: I am calling about a refund for order {order}. I sent the item back two weeks ago.',
        'Agent: I can see the return arrived. I have processed the refund now; allow 3 to 5 working days.',
        'Customer: Okay, thanks.',
      ],
    ],
  },
  {
    key: 'address-change',
    needsOrder: true,
    weight: 3,
    subjects: ['Change delivery address for {order}', 'Wrong address on order {order}'],
    bodies: ['Hi,\n\nI just noticed order {order} is going to my old address. Can you change it before it ships?\n\nThanks,\n{given}'],
    replies: ['Hi {given},\n\nDone: order {order} will go to your new address. You will get the tracking link once it ships.' + SIGN_OFF],
    followUps: ['Thank you!'],
    dms: ['Can I change the delivery address on {order}? Just moved'],
    dmReplies: ['Hi {given}, please send us the new address in a private message and we will update {order} before it ships.'],
    calls: [
      [
        'Agent: Hi, this is {agent}.',
        'Customer: Hi, I need to change the delivery address on order {order}.',
        'Agent: It has not shipped yet, so that is fine. I have updated it.',
        'Customer: Brilliant.',
      ],
    ],
  },
  {
    key: 'cancel',
    needsOrder: true,
    weight: 2,
    subjects: ['Please cancel order {order}', 'Cancel my order'],
    bodies: ['Hi,\n\nI ordered the {item} twice by mistake. Please cancel order {order}.\n\n{given}'],
    replies: ['Hi {given},\n\nNo problem, order {order} is cancelled and you have not been charged for it.' + SIGN_OFF],
    followUps: ['Thanks for sorting that so quickly.'],
    dms: ['Hi, I ordered twice by accident, can you cancel {order}?'],
    dmReplies: ['Hi {given}, done! {order} is cancelled and you will not be charged.'],
    calls: [
      [
        'Agent: Hello, {agent} speaking.',
        'Customer: I placed order {order} twice, can you cancel one?',
        'Agent: Yes, I have cancelled {order}. You will not be charged for it.',
        'Customer: Thank you.',
      ],
    ],
  },
  {
    key: 'invoice',
    needsOrder: true,
    weight: 2,
    subjects: ['Invoice for order {order}', 'VAT receipt please'],
    bodies: ['Hello,\n\nCould you send me a VAT invoice for order {order}? It is for my running club.\n\nMany thanks,\n{given}'],
    replies: ['Hi {given},\n\nPlease find the invoice for {order} attached.' + SIGN_OFF],
    followUps: ['Got it, thanks.'],
    dms: ['Hi, can I get an invoice for order {order}?'],
    dmReplies: ['Hi {given}, we have just e-mailed the invoice for {order} to the address on your account.'],
    calls: [['Agent: {agent} speaking, how can I help?', 'Customer: I need an invoice for order {order}.', 'Agent: I have e-mailed it to you now.', 'Customer: Thanks.']],
  },
  {
    key: 'login',
    needsOrder: false,
    weight: 3,
    subjects: ['Cannot log in to my account', 'Password reset e-mail not arriving'],
    bodies: ['Hi,\n\nI have tried to reset my password three times but the e-mail never arrives. Can you help?\n\n{given}'],
    replies: ['Hi {given},\n\nI have sent a fresh reset link; it expires in an hour. If you cannot see it, please check your spam folder.' + SIGN_OFF],
    followUps: ['Found it in spam, all sorted.', 'Still not arriving, sorry.'],
    dms: ['cannot log in to my account, reset e-mail never comes', 'Hi, my account is locked. Help?'],
    dmReplies: ['Hi {given}, I have sent a new reset link to the e-mail on your account. Check spam if it is not there in a few minutes.'],
    calls: [
      [
        'Agent: Hello, {agent} speaking.',
        'Customer: I am locked out of my account.',
        'Agent: I have unlocked it and sent you a reset link.',
        'Customer: Got it, thanks.',
      ],
    ],
  },
  {
    key: 'discount',
    needsOrder: false,
    weight: 3,
    subjects: ['Discount code not working', 'Problem with promo code'],
    bodies: ['Hi,\n\nThe code from your newsletter says "invalid" at checkout. I am trying to order the {product}.\n\n{given}'],
    replies: ['Hi {given},\n\nSorry about that: the code was limited to sale items. I have applied 10% off the {product} to your account instead.' + SIGN_OFF],
    followUps: ['That worked, thanks!'],
    dms: ['The code from your e-mail does not work 🙁', 'is the spring sale code still valid?'],
    dmReplies: ['Hi {given}, sorry about that! I have sent you a new code by e-mail that works on the whole range.'],
    calls: [['Agent: {agent} here.', 'Customer: My discount code will not apply.', 'Agent: I have applied the discount manually. You are all set.', 'Customer: Lovely, thanks.']],
  },
  {
    key: 'product-question',
    needsOrder: false,
    weight: 6,
    subjects: ['Question about the {product}', 'Do the {product} run small?', 'Is the {product} back in stock soon?'],
    bodies: [
      'Hi,\n\nI am thinking of buying the {product}. Do they run true to size? I am usually between sizes.\n\nThanks,\n{given}',
      'Hello,\n\nWhen will the {product} be back in stock in my size?\n\n{given}',
    ],
    replies: [
      'Hi {given},\n\nMost customers find they run true to size; if you are between sizes, go half a size up. Returns are free if they do not fit.' + SIGN_OFF,
      'Hi {given},\n\nWe expect the next delivery in about two weeks. I have added you to the back-in-stock list so you will hear first.' + SIGN_OFF,
    ],
    followUps: ['Great, I will order now.', 'Thanks, please let me know.'],
    dms: ['Do the {product} run small?', 'When is the {product} back in stock?', 'Is the {product} any good for ultras?', 'love the {product}!! do you do them in other colours?'],
    dmReplies: [
      'Hi {given}! They run true to size; if you are between sizes go half a size up.',
      'Hi {given}, we expect more in about two weeks. Want us to let you know?',
      'Thanks {given}! More colours are coming next month 👟',
    ],
    calls: [
      [
        'Agent: Hello, {agent} speaking.',
        'Customer: Hi, I have a question about the {product}. Are they suitable for long trail runs?',
        'Agent: Yes, they are one of our most popular trail models, good up to ultra distances.',
        'Customer: Great, I will order a pair.',
      ],
    ],
  },
  {
    key: 'thanks',
    needsOrder: true,
    weight: 2,
    subjects: ['Thank you!', 'Great service'],
    bodies: ['Hi,\n\nJust wanted to say the {item} are brilliant - ran my first half marathon in them at the weekend. Thanks for the advice!\n\n{given}'],
    replies: ['Hi {given},\n\nThat is fantastic news, congratulations! Thanks for letting us know.' + SIGN_OFF],
    followUps: [],
    dms: ['Ran my first half in the {item} today 🏃‍♀️ thank you!', 'Obsessed with my new {item} 🔥'],
    dmReplies: ['Congratulations {given}! 🎉 Thanks for sharing.', 'Love this, thanks {given}!'],
    calls: [],
  },
];

export const MARKETING_SUBJECTS: readonly string[] = [
  'New season trail shoes are here',
  'Your weekend long-run checklist',
  '20% off running jackets this week',
  'We miss you: here is 10% off your next order',
  'Race season: hydration essentials',
  'Members get early access to the summer sale',
  'How to choose your next running shoe',
  'Black Friday starts now',
];

export const SURVEY_COMMENTS = {
  good: ['Quick and friendly help.', 'Sorted in one go, thank you!', 'Really helpful, solved straight away.', 'Great service as always.', '{agent} was brilliant.', 'Easy, thanks.'],
  middling: ['Fine, but it took a while to get through.', 'Got there in the end.', 'OK, would prefer a faster reply.', 'Helpful, but I had to explain twice.'],
  bad: ['Waited far too long on hold.', 'Still not resolved.', 'Had to explain everything twice.', 'Nobody called me back.', 'Answer did not help at all.'],
  npsGood: ['Great shoes, fast delivery.', 'Best running shop I know.', 'Love the range and the advice.', 'Free returns make it easy.'],
  npsBad: ['Delivery was slow.', 'Prices went up a lot.', 'Returns are a hassle.', 'Customer service is hard to reach.'],
};

export const CONTACT_HOURS: readonly string[] = [
  'mornings',
  'afternoons',
  'evenings after 18:00',
  'weekdays 9-17',
  'weekends only',
  'lunchtime (12-14)',
  'any time',
];

export const NOTES: readonly string[] = [
  'VIP customer: offer free express shipping',
  'Prefers not to be called at work',
  'Hard of hearing: prefers e-mail or chat',
  'Needs wide-fit shoes',
  'Trains for triathlons',
  'Runs a local running club',
  'Often orders gifts: include gift receipts',
  'Had a late delivery before: check tracking proactively',
  'Monthly order of energy gels',
  'Allergic to latex',
  'Asked for no phone calls after 19:00',
];

export const HANDLE_WORDS: readonly string[] = ['runs', 'trails', 'outdoors', 'hikes', 'fit', 'miles', 'moves', 'ultra', 'run', 'peaks'];
