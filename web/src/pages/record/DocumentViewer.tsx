/**
 * The uploaded document beside the form: PDFs in the browser's viewer at the page being read, images as
 * images. The file is fetched with the session and shown from a blob URL (the download itself stays an
 * attachment that no page may frame).
 */
import { Group, NumberInput, Select, Text } from "@mantine/core";
import { useEffect, useState } from "react";

export interface Doc {
  id: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  dicom: { studyDate?: string; modality?: string; bodyPart?: string } | null;
}

export function DocumentViewer({
  docs,
  docId,
  page,
  onSelect,
}: {
  docs: Doc[];
  docId: string | null;
  page: number;
  onSelect: (id: string | null, page: number) => void;
}) {
  const doc = docs.find((d) => d.id === docId) ?? null;
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!doc) return setUrl(null);
    let made: string | null = null;
    let live = true;
    setError(null);
    fetch(`/api/documents/${doc.id}/content`, { credentials: "same-origin" })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status}`);
        const blob = new Blob([await r.arrayBuffer()], { type: doc.mediaType });
        made = URL.createObjectURL(blob);
        if (live) setUrl(made);
      })
      .catch((e: Error) => live && setError(`could not open ${doc.filename}: ${e.message}`));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [doc]);
  return (
    <div>
      <Group gap="xs" align="flex-end" mb="xs">
        <Select
          size="xs"
          w={260}
          label="Reading from"
          placeholder="no document: values are entered by you"
          data={docs.map((d) => ({ value: d.id, label: d.filename }))}
          value={docId}
          onChange={(v) => onSelect(v, 1)}
          clearable
        />
        <NumberInput
          size="xs"
          w={80}
          label="Page"
          min={1}
          value={page}
          onChange={(v) => onSelect(docId, typeof v === "number" && v >= 1 ? Math.round(v) : 1)}
          disabled={!doc}
        />
      </Group>
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
      {!doc ? (
        <Text c="dimmed" size="sm">
          Choose an uploaded document to read it here beside the form; the values you add then name it and its
          page.
        </Text>
      ) : doc.dicom ? (
        <Text size="sm">
          DICOM {doc.dicom.modality ?? ""} {doc.dicom.bodyPart ?? ""} {doc.dicom.studyDate ?? ""}: open it in
          the clinic's DICOM viewer; enter the measurements here.
        </Text>
      ) : url && doc.mediaType === "application/pdf" ? (
        <iframe
          key={`${url}#${page}`}
          title={`document ${doc.filename}`}
          src={`${url}#page=${page}`}
          style={{ width: "100%", height: "75vh", border: "1px solid #dee2e6" }}
        />
      ) : url && doc.mediaType.startsWith("image/") ? (
        <img src={url} alt={doc.filename} style={{ maxWidth: "100%" }} />
      ) : (
        <Text size="sm">{url ? `${doc.mediaType}: no preview` : "loading…"}</Text>
      )}
    </div>
  );
}
