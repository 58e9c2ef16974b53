/**
 * The shop's demo catalog: the seed project's five categories, filled with products that
 * make search, filters and sorting worth trying. Several prices repeat on purpose (sorting
 * and pagination must break ties), and a few products are out of stock or nearly so.
 */

export interface DemoCategory {
  name: string;
  slug: string;
  /** Hue of the category's placeholder images, 0-359. */
  hue: number;
}

export interface DemoProduct {
  name: string;
  description: string;
  price_cents: number;
  stock: number;
  /** The slug of one of DEMO_CATEGORIES. */
  category: string;
}

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  { name: 'Meat', slug: 'meat', hue: 4 },
  { name: 'Seafood', slug: 'seafood', hue: 198 },
  { name: 'Beverages', slug: 'beverage', hue: 275 },
  { name: 'Non-food', slug: 'nonfood', hue: 150 },
  { name: 'Bakery', slug: 'bakery', hue: 36 },
];

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  // meat
  {
    name: 'Dry-Aged Ribeye Steak',
    description:
      'A 350 g ribeye from Irish grass-fed cattle, dry-aged for 28 days for a deep, nutty flavour. Sear hard in a cast-iron pan and rest for five minutes before slicing.',
    price_cents: 2499,
    stock: 18,
    category: 'meat',
  },
  {
    name: 'Smoked Streaky Bacon',
    description:
      'Twelve rashers (200 g) of dry-cured pork belly, smoked over beechwood in the Black Forest. Crisp it in a dry pan for breakfast or wrap it around dates.',
    price_cents: 449,
    stock: 64,
    category: 'meat',
  },
  {
    name: 'Organic Free-Range Chicken Thighs',
    description:
      'Six bone-in, skin-on thighs (about 900 g) from organic free-range farms in Brittany. Roast at 200 °C for 40 minutes with lemon and thyme for crackling skin.',
    price_cents: 899,
    stock: 40,
    category: 'meat',
  },
  {
    name: 'Jamón Ibérico de Bellota',
    description:
      'Hand-carved ham (80 g) from acorn-fed Ibérico pigs, cured for 36 months in Extremadura. Let it breathe at room temperature for 15 minutes before serving.',
    price_cents: 1299,
    stock: 3,
    category: 'meat',
  },
  {
    name: 'Toulouse Sausages',
    description:
      'Four coarse pork sausages (400 g) seasoned with garlic, pepper and a splash of white wine. Grill slowly or brown them for a cassoulet.',
    price_cents: 599,
    stock: 55,
    category: 'meat',
  },
  {
    name: 'Lamb Shoulder on the Bone',
    description:
      'About 1.5 kg of Welsh lamb shoulder, ideal for slow roasting. Cook for four hours at 150 °C with garlic and rosemary until it pulls apart with a fork.',
    price_cents: 2199,
    stock: 0,
    category: 'meat',
  },
  {
    name: 'Beef Mince 5% Fat',
    description:
      'Lean minced beef (500 g) from Bavarian pasture-raised cattle. Made for bolognese, chilli and burgers that hold together.',
    price_cents: 599,
    stock: 120,
    category: 'meat',
  },
  {
    name: 'Smoked Duck Breast',
    description:
      'A whole duck breast (180 g), brined and cold-smoked over applewood in the Dordogne. Slice thinly over a salad of bitter leaves and pears.',
    price_cents: 899,
    stock: 12,
    category: 'meat',
  },
  {
    name: 'Finocchiona Salami',
    description:
      'A 250 g Tuscan salami flavoured with wild fennel seeds and aged for ten weeks. Serve in thin slices with pecorino and a glass of Chianti.',
    price_cents: 749,
    stock: 2,
    category: 'meat',
  },
  {
    name: 'Organic Pork Tenderloin',
    description:
      'One trimmed tenderloin (about 450 g) from organic outdoor-reared pigs. Roast whole for 20 minutes or cut into medallions for a quick mustard-cream pan sauce.',
    price_cents: 1099,
    stock: 27,
    category: 'meat',
  },

  // seafood
  {
    name: 'Scottish Smoked Salmon',
    description:
      'Oak-smoked salmon from the Scottish Highlands, sliced and interleaved (200 g). Serve on rye with crème fraîche, capers and a squeeze of lemon.',
    price_cents: 1299,
    stock: 45,
    category: 'seafood',
  },
  {
    name: 'Fresh Salmon Fillet',
    description:
      'Two skin-on Norwegian salmon fillets (2 × 125 g), pin-boned. Pan-fry skin side down for four minutes until crisp, then turn for one more.',
    price_cents: 899,
    stock: 30,
    category: 'seafood',
  },
  {
    name: 'Atlantic Cod Loin',
    description:
      'Thick, flaky cod loins (300 g) line-caught off Iceland. Bake with butter and herbs or batter them for proper fish and chips.',
    price_cents: 1099,
    stock: 22,
    category: 'seafood',
  },
  {
    name: 'Wild Tiger Prawns',
    description:
      'Raw, shell-on tiger prawns (400 g), frozen at sea off Madagascar. Sizzle them in garlic butter and chilli, shells on for flavour.',
    price_cents: 1499,
    stock: 16,
    category: 'seafood',
  },
  {
    name: 'Fine de Claire Oysters',
    description:
      'Six Fine de Claire oysters from Marennes-Oléron, refined in clay ponds for a clean, briny taste. Open just before serving and eat with mignonette.',
    price_cents: 1299,
    stock: 0,
    category: 'seafood',
  },
  {
    name: 'Cantabrian Anchovy Fillets',
    description:
      'Hand-filleted anchovies (50 g) from the Bay of Biscay, cured in salt and packed in olive oil. Lay them on buttered toast or melt them into a pasta sauce.',
    price_cents: 749,
    stock: 80,
    category: 'seafood',
  },
  {
    name: 'Hot-Smoked Mackerel',
    description:
      'Two peppered mackerel fillets (200 g), hot-smoked over oak in Cornwall. Flake into a potato salad or blend with cream cheese for a quick pâté.',
    price_cents: 449,
    stock: 58,
    category: 'seafood',
  },
  {
    name: 'Rope-Grown Mussels',
    description:
      'One kilo of live rope-grown mussels from Zeeland, cleaned and debearded. Steam with white wine, shallots and parsley for five minutes and serve with fries.',
    price_cents: 599,
    stock: 4,
    category: 'seafood',
  },
  {
    name: 'Yellowfin Tuna Steak',
    description:
      'Two sashimi-grade yellowfin tuna steaks (2 × 150 g), pole-and-line caught in the Maldives. Sear for one minute a side and keep the centre rare.',
    price_cents: 1899,
    stock: 9,
    category: 'seafood',
  },
  {
    name: 'Smoked Trout Fillets',
    description:
      'Two rainbow trout fillets (150 g), gently smoked over beech in the Ardennes. Lovely with horseradish cream, beetroot and dark bread.',
    price_cents: 599,
    stock: 35,
    category: 'seafood',
  },

  // beverage
  {
    name: 'Single-Origin Espresso Beans',
    description:
      'Whole beans (500 g) from a washed Ethiopian Yirgacheffe, roasted medium-dark in Berlin. Notes of dark chocolate and bergamot; grind fine for espresso.',
    price_cents: 1499,
    stock: 60,
    category: 'beverage',
  },
  {
    name: 'Organic Decaf Espresso',
    description:
      'Organic Colombian beans (250 g), decaffeinated with the Swiss Water process. A round, caramel-sweet espresso without the late-night buzz.',
    price_cents: 899,
    stock: 0,
    category: 'beverage',
  },
  {
    name: 'Cold Brew Coffee Concentrate',
    description:
      'A 750 ml bottle of Brazilian coffee steeped cold for 18 hours. Mix one part with two parts water or milk over ice.',
    price_cents: 749,
    stock: 24,
    category: 'beverage',
  },
  {
    name: 'Darjeeling First Flush Tea',
    description:
      'Loose-leaf spring tea (100 g) from the Castleton estate in Darjeeling. Brew at 85 °C for three minutes for a bright, muscatel cup.',
    price_cents: 1299,
    stock: 14,
    category: 'beverage',
  },
  {
    name: 'Organic Sencha Green Tea',
    description:
      'Steamed Japanese sencha (100 g) from organic gardens in Shizuoka. Steep at 70 °C for one minute; the leaves give three good infusions.',
    price_cents: 899,
    stock: 33,
    category: 'beverage',
  },
  {
    name: 'Cloudy Apple Juice',
    description:
      'One litre of unfiltered juice pressed from Boskoop and Elstar apples grown by the Lake Constance. Nothing added; shake before pouring.',
    price_cents: 349,
    stock: 150,
    category: 'beverage',
  },
  {
    name: 'Sparkling Mineral Water',
    description:
      'A 750 ml glass bottle of naturally carbonated water from a spring in the Vosges. Fine bubbles and a low mineral content that flatters food and wine.',
    price_cents: 149,
    stock: 200,
    category: 'beverage',
  },
  {
    name: 'Belgian Abbey Tripel',
    description:
      'A 330 ml bottle of golden, bottle-conditioned abbey ale (8.5% ABV) from Flanders. Pour slowly into a chalice and leave the yeast in the bottle.',
    price_cents: 349,
    stock: 72,
    category: 'beverage',
  },
  {
    name: 'Ginger Kombucha',
    description:
      'A 330 ml bottle of raw, organic kombucha fermented with fresh ginger and lemon in Amsterdam. Lightly sparkling and not too sweet; keep refrigerated.',
    price_cents: 349,
    stock: 5,
    category: 'beverage',
  },
  {
    name: 'Rioja Crianza',
    description:
      'A 750 ml bottle of Tempranillo from Rioja Alta (13.5% ABV), aged a year in American oak. Cherry and vanilla; open an hour before a roast lamb dinner.',
    price_cents: 1099,
    stock: 41,
    category: 'beverage',
  },

  // nonfood
  {
    name: 'Beeswax Food Wraps',
    description:
      'A set of three reusable cotton wraps (small, medium, large) coated in organic beeswax and jojoba oil. Warm them with your hands to seal bowls, cheese and bread.',
    price_cents: 1499,
    stock: 26,
    category: 'nonfood',
  },
  {
    name: 'Eco Dishwashing Liquid',
    description:
      'Plant-based washing-up liquid (500 ml) scented with lemon and rosemary, made in Belgium. A small squeeze cuts through grease and it is gentle on hands.',
    price_cents: 349,
    stock: 90,
    category: 'nonfood',
  },
  {
    name: 'Cast-Iron Skillet 26 cm',
    description:
      'A pre-seasoned cast-iron pan with a 26 cm cooking surface, made in Saxony. Works on gas, induction and in the oven, and sears steak like nothing else.',
    price_cents: 3999,
    stock: 7,
    category: 'nonfood',
  },
  {
    name: 'Bamboo Chopping Board',
    description:
      'A solid bamboo board (40 × 28 cm) with a juice groove on one side. Oil it monthly with food-safe mineral oil to keep it smooth.',
    price_cents: 1899,
    stock: 19,
    category: 'nonfood',
  },
  {
    name: 'Unbleached Baking Paper',
    description:
      'A 10 m roll of chlorine-free, compostable parchment (38 cm wide). Non-stick up to 220 °C for cookies, sourdough and roast vegetables.',
    price_cents: 299,
    stock: 110,
    category: 'nonfood',
  },
  {
    name: 'Soy Wax Candle Fig & Cedar',
    description:
      'A hand-poured soy wax candle (220 g) in a reusable amber glass jar, scented with green fig and cedarwood. Burns cleanly for about 45 hours.',
    price_cents: 1499,
    stock: 0,
    category: 'nonfood',
  },
  {
    name: 'Linen Tea Towels',
    description:
      'Two stonewashed Lithuanian linen tea towels (50 × 70 cm). Highly absorbent, lint-free on glasses, and softer with every wash.',
    price_cents: 1299,
    stock: 23,
    category: 'nonfood',
  },
  {
    name: 'Stainless Steel Lunch Box',
    description:
      'A two-tier, leak-proof lunch box (1.2 l) in brushed stainless steel with a silicone seal. Dishwasher safe and plastic-free.',
    price_cents: 2499,
    stock: 1,
    category: 'nonfood',
  },
  {
    name: 'Compostable Bin Liners',
    description:
      'A roll of 25 certified compostable bin bags (10 l) made from corn starch. Sized for kitchen caddies; the bags break down with your food waste.',
    price_cents: 449,
    stock: 75,
    category: 'nonfood',
  },
  {
    name: 'Natural Bristle Dish Brush',
    description:
      'A beechwood dish brush with firm tampico fibres and a replaceable head. Scrubs pans and roasting tins without scratching.',
    price_cents: 599,
    stock: 48,
    category: 'nonfood',
  },

  // bakery
  {
    name: 'Country Sourdough Loaf',
    description:
      'An 800 g loaf of wheat and rye sourdough, fermented for 36 hours and baked on stone. Crackling crust, open crumb; keeps for four days in a linen bag.',
    price_cents: 549,
    stock: 20,
    category: 'bakery',
  },
  {
    name: 'Butter Croissants',
    description:
      'Four all-butter croissants laminated with Normandy AOP butter. Warm them in the oven at 180 °C for three minutes to bring back the flaky layers.',
    price_cents: 449,
    stock: 36,
    category: 'bakery',
  },
  {
    name: 'Seeded Rye Bread',
    description:
      'A dense Danish rugbrød (750 g) packed with sunflower, flax and pumpkin seeds. Slice thinly and top with smoked salmon or aged cheese.',
    price_cents: 499,
    stock: 15,
    category: 'bakery',
  },
  {
    name: 'Organic Spelt Sourdough',
    description:
      'A 600 g loaf of organic wholegrain spelt sourdough with a nutty, gently sour flavour. Excellent toasted with butter and honey.',
    price_cents: 599,
    stock: 0,
    category: 'bakery',
  },
  {
    name: 'Cinnamon Buns',
    description:
      'Four Swedish kanelbullar (320 g) made with cardamom dough, cinnamon butter and pearl sugar. Best slightly warm with a cup of coffee.',
    price_cents: 499,
    stock: 28,
    category: 'bakery',
  },
  {
    name: 'French Baguette Tradition',
    description:
      'A 250 g baguette de tradition made only from flour, water, salt and leaven, baked this morning. Eat it today, or freeze it and crisp it in a hot oven.',
    price_cents: 199,
    stock: 60,
    category: 'bakery',
  },
  {
    name: 'Focaccia with Rosemary',
    description:
      'A 500 g tray of Ligurian-style focaccia, dimpled with extra-virgin olive oil, sea salt and rosemary. Reheat for five minutes and tear it to share.',
    price_cents: 549,
    stock: 3,
    category: 'bakery',
  },
  {
    name: 'Dark Chocolate Brownies',
    description:
      'Six fudgy brownies (360 g) made with 70% Belgian dark chocolate and a pinch of sea salt. Lovely with vanilla ice cream.',
    price_cents: 799,
    stock: 22,
    category: 'bakery',
  },
  {
    name: 'Pain au Levain Miche',
    description:
      'A large 1.5 kg round of naturally leavened wheat bread with a deep, caramelised crust. Keeps for a week and makes the best toast.',
    price_cents: 1099,
    stock: 6,
    category: 'bakery',
  },
  {
    name: 'Almond Croissants',
    description:
      'Two twice-baked croissants filled with almond frangipane and topped with flaked almonds and icing sugar. A Sunday breakfast in Paris.',
    price_cents: 499,
    stock: 11,
    category: 'bakery',
  },
];
