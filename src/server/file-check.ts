/**
 * What a file is, by its content and never by its name: PDF, PNG, JPEG, TIFF, WebP or DICOM (the "DICM" preamble
 * at byte 128 and a header that parses). DICOM headers are read with dicom-parser up to the pixel data: study
 * date, modality, body part. Downloads are named after the detected type, never the uploader's extension.
 */
import { open } from "node:fs/promises";
import dicomParser from "dicom-parser";
import { fileTypeFromFile } from "file-type";

export const ACCEPTED_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/tiff",
  "image/webp",
  "application/dicom",
];

export interface FileKind {
  readonly mediaType: string;
  readonly dicom?: { studyDate?: string; modality?: string; bodyPart?: string; studyDescription?: string };
}

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The header of a DICOM Part 10 file, or null when the bytes do not parse as one: the "DICM" preamble alone
 * proves nothing (any file can carry it at byte 128), so the meta group must name a transfer syntax and the
 * data set must hold at least one element of its own.
 */
function dicomHeader(bytes: Buffer): FileKind["dicom"] | null {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: "x7fe00010" });
  } catch {
    return null;
  }
  const transferSyntax = ds.string("x00020010")?.trim();
  if (!transferSyntax || !/^[0-9.]+$/.test(transferSyntax)) return null;
  if (!Object.keys(ds.elements).some((tag) => !tag.startsWith("x0002"))) return null;
  const s = (tag: string) => ds.string(tag)?.trim() || undefined;
  const date = s("x00080020");
  return {
    studyDate:
      date && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : date,
    modality: s("x00080060"),
    bodyPart: s("x00180015"),
    studyDescription: s("x00081030"),
  };
}

/** Markup a browser would render as a page, looked for near the start of a file that claims another type. */
const HTML_MARKUP =
  /<\s*(!doctype\s+html|html|head|body|script|iframe|object|embed|svg|meta\s+http-equiv)\b/i;

/**
 * A PDF is the "%PDF-n.n" header, an "%%EOF" marker in its last kilobyte, and no HTML in its first 4 KiB (a PDF
 * header in front of a web page is not a PDF).
 */
async function plausiblePdf(file: string, start: Buffer): Promise<boolean> {
  if (!/^%PDF-\d\.\d/.test(start.subarray(0, 8).toString("latin1"))) return false;
  if (HTML_MARKUP.test(start.subarray(0, 4096).toString("latin1"))) return false;
  return (await tail(file, 1024)).toString("latin1").includes("%%EOF");
}

async function tail(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const { size } = await fh.stat();
    const n = Math.min(bytes, size);
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, size - n);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The accepted kind of the file, or null when its content is not one of ACCEPTED_TYPES. */
export async function checkFileKind(file: string): Promise<FileKind | null> {
  const start = await head(file, 4 * 1024 * 1024);
  if (start.length > 132 && start.subarray(128, 132).toString("latin1") === "DICM") {
    const dicom = dicomHeader(start);
    return dicom ? { mediaType: "application/dicom", dicom } : null;
  }
  const t = await fileTypeFromFile(file);
  if (!t || !ACCEPTED_TYPES.includes(t.mime)) return null;
  if (t.mime === "application/pdf" && !(await plausiblePdf(file, start))) return null;
  if (HTML_MARKUP.test(start.subarray(0, 1024).toString("latin1")) && t.mime !== "application/pdf")
    return null;
  return { mediaType: t.mime };
}

/** The file name a download gets: the uploader's name without its extension, and the extension of its type. */
export function downloadName(originalName: string, mediaType: string): string {
  const ext = EXTENSIONS[mediaType] ?? "bin";
  const stem =
    originalName
      .replace(/\.[^.]*$/, "")
      .replace(/[^\w-]+/g, "_")
      .replace(/^[_-]+|_+$/g, "")
      .slice(0, 100) || "document";
  return `${stem}.${ext}`;
}

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/tiff": "tif",
  "image/webp": "webp",
  "application/dicom": "dcm",
};
