import { mulberry32 } from '@shop/platform';
/**
 * Made-up products in bulk for benchmarks and pagination tests. The same count, slugs and
 * seed always give the same products; names are unique, descriptions are real words (so
 * full-text search finds them), and prices come from a few round values, so ties abound.
 */

export interface SyntheticProduct {
  name: string;
  description: string;
  price_cents: number;
  stock: number;
  /** One of the slugs passed in. */
  category: string;
}

const PRICES_CENTS = [199, 299, 499, 999, 1499, 1999, 2999, 4999];
const MAX_STOCK = 500;

const LABELS = ['Organic', 'Artisan', 'Premium', 'Wild', 'Classic', 'Handmade', 'Farmhouse', 'Heritage'];
const STYLES = ['Smoked', 'Roasted', 'Aged', 'Fresh', 'Spiced', 'Salted', 'Honeyed', 'Golden'];

const NOUNS_BY_CATEGORY: Record<string, readonly string[]> = {
  meat: ['Ribeye', 'Bacon', 'Chicken Thighs', 'Salami', 'Sausages', 'Lamb Chops', 'Ham', 'Duck Breast'],
  seafood: ['Salmon', 'Mackerel', 'Prawns', 'Cod', 'Trout', 'Mussels', 'Tuna', 'Anchovies'],
  beverage: ['Espresso', 'Green Tea', 'Apple Juice', 'Kombucha', 'Lemonade', 'Cold Brew', 'Cider', 'Ale'],
  nonfood: ['Candle', 'Tea Towel', 'Dish Brush', 'Skillet', 'Food Wrap', 'Chopping Board', 'Soap', 'Lunch Box'],
  bakery: ['Sourdough', 'Croissant', 'Rye Bread', 'Focaccia', 'Baguette', 'Brioche', 'Bagel', 'Cinnamon Bun'],
};
const ALL_NOUNS = Object.values(NOUNS_BY_CATEGORY).flat();

const ORIGINS = ['Normandy', 'Scotland', 'Tuscany', 'the Black Forest', 'Brittany', 'Andalusia', 'Flanders', 'Bavaria'];
const PACKS = ['in a 250 g pack', 'in a 500 g pack', 'by the kilo', 'in a 750 ml bottle', 'in a set of four', 'singly'];
const QUALITIES = ['rich', 'delicate', 'smoky', 'bright', 'mellow', 'crisp', 'savoury', 'sweet'];
const USES = ['breakfast', 'a weeknight dinner', 'sharing with friends', 'a picnic', 'the weekend', 'gifting'];

export function* syntheticProducts(
  count: number,
  categorySlugs: readonly string[],
  seed = 1,
): Generator<SyntheticProduct> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
  if (count > 0 && categorySlugs.length === 0) throw new RangeError('syntheticProducts needs at least one category');
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  for (let index = 1; index <= count; index++) {
    const category = pick(categorySlugs);
    const label = pick(LABELS);
    const style = pick(STYLES);
    const noun = pick(NOUNS_BY_CATEGORY[category] ?? ALL_NOUNS);
    yield {
      // The number keeps names unique however many are drawn.
      name: `${label} ${style} ${noun} No. ${index}`,
      description:
        `${label} ${style.toLowerCase()} ${noun.toLowerCase()} from ${pick(ORIGINS)}, sold ${pick(PACKS)}. ` +
        `A ${pick(QUALITIES)} choice for ${pick(USES)}.`,
      price_cents: pick(PRICES_CENTS),
      stock: Math.floor(random() * (MAX_STOCK + 1)),
      category,
    };
  }
}
