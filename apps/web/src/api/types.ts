import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body an operation answers with on `status` (200 unless said otherwise). */
export type ResponseBody<P extends keyof paths, M extends Method, S extends number = 200> = paths[P][M] extends {
  responses: Record<S, { content: { 'application/json': infer Body } }>;
}
  ? Body
  : never;

/** The JSON body an operation takes. */
export type RequestBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type Product = ResponseBody<'/api/products/{id}', 'get'>;
export type ProductPage = ResponseBody<'/api/products', 'get'>;
export type Category = ResponseBody<'/api/categories', 'get'>['items'][number];
export type Cart = ResponseBody<'/api/cart', 'get'>;
export type CartItem = Cart['items'][number];
export type Order = ResponseBody<'/api/orders/{id}', 'get'>;
export type OrderPage = ResponseBody<'/api/orders', 'get'>;
export type User = ResponseBody<'/api/account/me', 'get'>;
export type Email = ResponseBody<'/api/admin/emails/{id}', 'get'>;
export type EmailSummary = ResponseBody<'/api/admin/emails', 'get'>['items'][number];
export type TokenResponse = ResponseBody<'/api/auth/login', 'post'>;
export type ProductInput = RequestBody<'/api/products', 'post'>;
export type ProductChanges = RequestBody<'/api/products/{id}', 'patch'>;
export type CategoryPage = ResponseBody<'/api/categories', 'get'>;
export type AdminOrder = ResponseBody<'/api/admin/orders', 'get'>['items'][number];
export type AdminOrderPage = ResponseBody<'/api/admin/orders', 'get'>;
export type OrderStatus = AdminOrder['status'];
export type UserSummary = ResponseBody<'/api/account/users', 'get'>['items'][number];
export type UserPage = ResponseBody<'/api/account/users', 'get'>;
export type EmailPage = ResponseBody<'/api/admin/emails', 'get'>;
export type EmailStatus = EmailSummary['status'];
