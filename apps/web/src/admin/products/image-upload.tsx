import { useEffect, useId, useState } from 'react';
import { unwrap } from '../../api/client';
import { describeError } from '../../api/problem';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { FormActions } from '../ui/form-actions';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * The product's image: the stored one, a preview of the file chosen (from memory, before any
 * upload), and the upload, which sends the file's bytes as they are with its own type.
 */
export function ImageUpload({ product, onUploaded }: { product: Product; onUploaded(product: Product): void }) {
  const { api } = useSession();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  // A new input after each upload, so choosing the same file again still fires a change.
  const [inputKey, setInputKey] = useState(0);

  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => {
      URL.revokeObjectURL(url);
      setPreview(null);
    };
  }, [file]);

  const choose = (chosen: File | undefined) => {
    setDone(false);
    setProblem(null);
    setFile(null);
    if (!chosen) return;
    if (!IMAGE_TYPES.includes(chosen.type)) {
      setProblem(`${chosen.name} is not a PNG, JPEG or WebP image.`);
      return;
    }
    if (chosen.size > MAX_BYTES) {
      setProblem(`${chosen.name} is ${formatSize(chosen.size)}; the limit is 5 MB.`);
      return;
    }
    setFile(chosen);
  };

  const upload = async () => {
    if (!file || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const updated = await unwrap(
        api.PUT('/api/products/{id}/image', {
          params: { path: { id: product.id } },
          // The route takes raw image bytes, which the JSON-only schema does not describe:
          // the File goes out as it is (a Blob body), with its own content type.
          body: file as never,
          bodySerializer: (body: unknown) => body,
          headers: { 'content-type': file.type },
        }),
      );
      onUploaded(updated);
      setFile(null);
      setInputKey((key) => key + 1);
      setDone(true);
    } catch (error) {
      setProblem(`The image was not uploaded. ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const stored = product.image_url ? withVersion(product.image_url, product.updated_at) : null;
  return (
    <div className="stack">
      <div className="admin-images">
        <figure className="admin-figure">
          {stored ? (
            <img src={stored} alt={product.name} width={160} height={160} />
          ) : (
            <div className="admin-image-empty">No image yet</div>
          )}
          <figcaption className="muted">Current</figcaption>
        </figure>
        {preview && file && (
          <figure className="admin-figure">
            <img src={preview} alt={`Preview of ${file.name}`} width={160} height={160} />
            <figcaption className="muted">Chosen, not uploaded yet</figcaption>
          </figure>
        )}
      </div>
      <Field id={`${id}-image`} label="Image" hint="PNG, JPEG or WebP, at most 5 MB; square images look best.">
        {(control) => (
          <input
            {...control}
            key={inputKey}
            type="file"
            accept={IMAGE_TYPES.join(',')}
            onChange={(event) => choose(event.target.files?.[0])}
            // What is wrong with the file is said below the upload button, for the whole section.
            aria-invalid={problem ? true : undefined}
          />
        )}
      </Field>
      <FormActions working={busy && 'Uploading…'} done={done && 'Image uploaded.'} problem={problem}>
        <button type="button" className="button" onClick={upload} disabled={!file || busy}>
          Upload image
        </button>
      </FormActions>
    </div>
  );
}

/** The API's image URL names its version; one that does not gets the product's last change. */
function withVersion(url: string, updatedAt: string): string {
  if (/[?&]v=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}v=${encodeURIComponent(updatedAt)}`;
}

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
