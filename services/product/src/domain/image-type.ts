export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const RIFF = [0x52, 0x49, 0x46, 0x46]; // 'RIFF'
const WEBP = [0x57, 0x45, 0x42, 0x50]; // 'WEBP'

/**
 * The image type the bytes really are, from their magic numbers, or null when they are
 * none of the accepted types. Uploads are checked against this rather than trusting the
 * declared Content-Type.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, PNG_SIGNATURE, 0)) return 'image/png';
  if (startsWith(bytes, JPEG_SIGNATURE, 0)) return 'image/jpeg';
  // RIFF container: 'RIFF', a 4-byte little-endian size, then the form type.
  if (startsWith(bytes, RIFF, 0) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return null;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset: number): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, index) => bytes[offset + index] === byte);
}
