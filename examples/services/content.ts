/**
 * Stand-in for the content service the scenario asks for message variants:
 * `GET /content?segment=…&variant=personalized|default` →
 * `{ segment, variant, variants: [{ id, title, body, channel, score }] }`,
 * best score first. Personalized variants name the segment; default ones are generic.
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from './recorder';

/**
 * The variants the stand-in serves for a segment.
 *
 * @example contentVariants('high-value', 'personalized')[0].score // → 0.92
 */
export function contentVariants(segment: string, variant: 'personalized' | 'default') {
  if (variant === 'default') {
    return [
      { id: 'default-1', title: 'New this week', body: 'See what is new in the shop.', channel: 'any', score: 0.55 },
      { id: 'default-2', title: 'Popular picks', body: 'Our most popular products.', channel: 'any', score: 0.41 },
    ];
  }
  return [
    { id: `${segment}-hero`, title: `Picked for ${segment}`, body: `Offers chosen for the ${segment} segment.`, channel: 'email', score: 0.92 },
    { id: `${segment}-push`, title: `${segment}: just for you`, body: 'A short nudge with your top pick.', channel: 'push', score: 0.81 },
    { id: `${segment}-digest`, title: `Your ${segment} digest`, body: 'A weekly roundup.', channel: 'email', score: 0.64 },
  ];
}

/**
 * @example app.use('/cms', createContentService().router)
 */
export function createContentService(): { router: Router; recorder: ServiceRecorder } {
  const recorder = new ServiceRecorder();
  const router = express.Router();
  router.use(recorder.middleware());
  router.get('/content', (req, res) => {
    const segment = typeof req.query.segment === 'string' ? req.query.segment : '';
    const variant = req.query.variant ?? 'default';
    if (variant !== 'personalized' && variant !== 'default') {
      return void res.status(400).json({ error: `variant must be "personalized" or "default", not ${JSON.stringify(variant)}`, field: 'variant' });
    }
    if (variant === 'personalized' && !segment) {
      return void res.status(400).json({ error: 'segment is required for personalized content', field: 'segment' });
    }
    res.json({ segment: segment || null, variant, variants: contentVariants(segment, variant) });
  });
  return { router, recorder };
}
