/**
 * What a file is, by its content and never by its name: PDF, PNG, JPEG, TIFF, WebP or DICOM (the "DICM" preamble
 * at byte 128). DICOM headers are read with dicom-parser up to the pixel data: study date, modality, body part.
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

function dicomHeader(bytes: Buffer): FileKind["dicom"] {
  try {
    const ds = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: "x7fe00010" });
    const s = (tag: string) => ds.string(tag)?.trim() || undefined;
    const date = s("x00080020");
    return {
      studyDate:
        date && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : date,
      modality: s("x00080060"),
      bodyPart: s("x00180015"),
      studyDescription: s("x00081030"),
    };
  } catch {
    return {};
  }
}

/** The accepted kind of the file, or null when its content is not one of ACCEPTED_TYPES. */
export async function checkFileKind(file: string): Promise<FileKind | null> {
  const start = await head(file, 4 * 1024 * 1024);
  if (start.length > 132 && start.subarray(128, 132).toString("latin1") === "DICM") {
    return { mediaType: "application/dicom", dicom: dicomHeader(start) };
  }
  const t = await fileTypeFromFile(file);
  if (!t || !ACCEPTED_TYPES.includes(t.mime)) return null;
  return { mediaType: t.mime };
}
