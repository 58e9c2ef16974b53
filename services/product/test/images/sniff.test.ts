import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/domain/image-type.ts';
import { placeholderPng } from '../../src/seed/placeholder-image.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function jpegBytes(): Uint8Array {
  // SOI, then an APP0/JFIF segment header and some payload, as a camera would write.
  return Uint8Array.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0xff, 0xd9,
  ]);
}

function webpBytes(): Uint8Array {
  const body = Buffer.from('VP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00', 'latin1');
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

describe('sniffImageType', () => {
  it('when given a real PNG, then it says image/png', () => {
    expect(sniffImageType(placeholderPng({ seed: 'sniff', hue: 120, size: 8 }))).toBe('image/png');
  });

  it('when given bare PNG signature bytes in a Uint8Array, then it says image/png', () => {
    expect(sniffImageType(Uint8Array.from(PNG_SIGNATURE))).toBe('image/png');
  });

  it('when given JPEG bytes, then it says image/jpeg', () => {
    expect(sniffImageType(jpegBytes())).toBe('image/jpeg');
  });

  it('when given a WebP RIFF file, then it says image/webp', () => {
    expect(sniffImageType(webpBytes())).toBe('image/webp');
  });

  it('when a RIFF file holds something other than WebP, then it says null', () => {
    const wave = Buffer.from(webpBytes());
    wave.write('WAVE', 8, 'latin1');
    expect(sniffImageType(wave)).toBeNull();
  });

  it('when a text file starts with "PNG", then it says null', () => {
    expect(sniffImageType(Buffer.from('PNG is a lossless image format.\n', 'utf8'))).toBeNull();
  });

  it('when the buffer is empty, then it says null', () => {
    expect(sniffImageType(new Uint8Array(0))).toBeNull();
  });

  it('when a signature is cut short, then it says null', () => {
    expect(sniffImageType(Uint8Array.from(PNG_SIGNATURE.slice(0, 7)))).toBeNull();
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8]))).toBeNull();
    expect(sniffImageType(webpBytes().subarray(0, 11))).toBeNull();
  });

  it('when the signature sits at a later offset, then it says null', () => {
    expect(sniffImageType(Uint8Array.from([0x00, ...PNG_SIGNATURE]))).toBeNull();
  });
});
