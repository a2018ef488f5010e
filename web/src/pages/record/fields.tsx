/**
 * The record editor's building blocks: where a value comes from (the document and page being read, or "entered
 * by me"), value-set pickers that fill codes from the shipped value sets, and a generic form for the entries of
 * one section of the record.
 */
import { Button, Checkbox, Group, NumberInput, Radio, Select, Table, Text, TextInput } from "@mantine/core";
import { useCallback, useEffect, useRef, useState, type ReactNode, type SetStateAction } from "react";
import type { Coding, Source } from "../../../../src/clinic/case-schema.js";
import { get } from "../../api";

/** A shipped value-set option (GET /api/value-sets/{kind}). */
export interface ValueSetOption {
  text: string;
  codings: Coding[];
  unit?: string;
  role?: "primary" | "secondary";
  scores?: string[];
  assays?: string[];
  verify: boolean;
}

const cache = new Map<string, Promise<ValueSetOption[]>>();
export function useValueSet(kind: string): ValueSetOption[] {
  const [options, setOptions] = useState<ValueSetOption[]>([]);
  useEffect(() => {
    if (!kind) return; // a field without a value set asks for none
    if (!cache.has(kind)) cache.set(kind, get<ValueSetOption[]>(`/api/value-sets/${kind}?limit=100`));
    let live = true;
    cache
      .get(kind)!
      .then((o) => live && setOptions(o))
      .catch(() => cache.delete(kind));
    return () => {
      live = false;
    };
  }, [kind]);
  return options;
}

/** "pathology.pdf, p. 3" or "entered by Dr. X" (or the FHIR resource an import read it from). */
export function sourceText(s: Source | undefined): string {
  if (!s) return "";
  if (s.kind === "document") return `${s.title ?? "document"}${s.page ? `, p. ${s.page}` : ""}`;
  if (s.kind === "manual") return s.by ? `entered by ${s.by}` : "entered by hand";
  if (s.kind === "fhir") return `FHIR ${s.ref ?? ""}`;
  return s.kind;
}

/** "choice": a short closed list (two or three options) shown as radio buttons, all visible and one click away. */
export type FieldKind = "text" | "number" | "date" | "select" | "choice" | "check" | "valueset";
export interface Field {
  readonly key: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly options?: readonly string[];
  /** Value set to pick from (kind "valueset"): fills the entry through `pick`. */
  readonly valueSet?: string;
  readonly pick?: (o: ValueSetOption, draft: Record<string, unknown>) => Record<string, unknown>;
  readonly required?: boolean;
  readonly width?: number;
}

type Entry = Record<string, unknown> & { source?: Source };

function FieldInput({
  f,
  value,
  onChange,
  setDraft,
}: {
  f: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  setDraft: (update: (d: Record<string, unknown>) => Record<string, unknown>) => void;
}) {
  const options = useValueSet(f.valueSet ?? "");
  const common = { label: f.label, w: f.width ?? 150, size: "xs" as const };
  switch (f.kind) {
    case "number":
      return (
        <NumberInput
          {...common}
          value={typeof value === "number" ? value : ""}
          onChange={(v) => onChange(typeof v === "number" ? v : undefined)}
          decimalScale={3}
        />
      );
    case "date":
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.currentTarget.value || undefined)}
        />
      );
    case "select":
      return (
        <Select
          {...common}
          data={[...(f.options ?? [])]}
          value={typeof value === "string" ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          allowDeselect
        />
      );
    case "choice":
      return (
        <Radio.Group
          label={f.label}
          size="xs"
          value={typeof value === "string" ? value : ""}
          onChange={(v) => onChange(v || undefined)}
        >
          <Group gap="xs" mt={6} wrap="nowrap">
            {(f.options ?? []).map((o) => (
              <Radio key={o} value={o} label={o} size="xs" />
            ))}
          </Group>
        </Radio.Group>
      );
    case "check":
      return (
        <Checkbox
          label={f.label}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          mt="lg"
        />
      );
    case "valueset":
      return (
        <Select
          {...common}
          w={f.width ?? 260}
          searchable
          placeholder="search codes"
          data={options.map((o) => ({
            value: o.text,
            label: `${o.text}${o.codings.length ? ` (${o.codings.map((c) => c.code).join(", ")})` : ""}`,
          }))}
          value={typeof value === "string" && options.some((o) => o.text === value) ? value : null}
          onChange={(v) => {
            const o = options.find((x) => x.text === v);
            // an updater, not the draft of this render: a change to another field in the same tick is kept
            if (o && f.pick) setDraft((d) => ({ ...d, ...f.pick!(o, d), [f.key]: o.text }));
            else onChange(v ?? undefined);
          }}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          value={typeof value === "string" ? value : value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.currentTarget.value || undefined)}
        />
      );
  }
}

/** Shows a value of an entry in the table (codes by their display). */
export function show(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object" && !Array.isArray(v)) {
    const c = v as Coding;
    return c.display ?? c.code ?? "";
  }
  if (Array.isArray(v)) return `${v.length}`;
  return String(v);
}

/**
 * One section of the record: its entries (with their source) and a form to add one. `make` turns the form's
 * values into an entry (codes, units); `columns` are the keys shown in the table.
 */
export function SectionEditor({
  title,
  entries,
  fields,
  columns,
  make,
  onChange,
  source,
  extra,
  editable = true,
}: {
  title: string;
  entries: readonly Entry[];
  fields: readonly Field[];
  columns: readonly { key: string; label: string; value?: (e: Entry) => string }[];
  make: (draft: Record<string, unknown>) => Entry | string;
  /** Changes the section's entries; an updater, so that changes made in the same tick all land. */
  onChange: (update: (entries: Entry[]) => Entry[]) => void;
  source: Source;
  extra?: (e: Entry, i: number) => ReactNode;
  /** Whether an entry can be taken back into the form (not for entries holding more than the form shows). */
  editable?: boolean;
}) {
  const [draft, setDraftState] = useState<Record<string, unknown>>({});
  // the form's latest values, updated with every change before React renders it: Add reads these, not the values
  // of the render its handler came from (a field that commits on blur — the click on Add — was lost under load:
  // "Height (cm): required" in a CI run of web-record-journey)
  const latest = useRef(draft);
  const setDraft = useCallback((update: SetStateAction<Record<string, unknown>>) => {
    latest.current = typeof update === "function" ? update(latest.current) : update;
    setDraftState(latest.current);
  }, []);
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const draft = latest.current;
    const missing = fields.find((f) => f.required && (draft[f.key] === undefined || draft[f.key] === ""));
    if (missing) return setProblem(`${missing.label}: required`);
    const e = make(draft);
    if (typeof e === "string") return setProblem(e);
    onChange((es) => [...es, { ...e, source }]);
    setDraft({});
    setProblem(null);
  };
  const slug = title.toLowerCase().replace(/\W+/g, "-");
  return (
    <div>
      {entries.length > 0 && (
        <Table fz="xs" aria-label={title} mb="xs">
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key}>{c.label}</Table.Th>
              ))}
              <Table.Th>Source</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e, i) => (
              <Table.Tr key={i}>
                {columns.map((c) => (
                  <Table.Td key={c.key}>{c.value ? c.value(e) : show(e[c.key])}</Table.Td>
                ))}
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {sourceText(e.source)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {extra?.(e, i)}
                    {editable && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`edit ${title} ${i + 1}`}
                        onClick={() => {
                          // back into the form (codes by their text); Add puts it back with the current source
                          setDraft(
                            Object.fromEntries(
                              fields.map((f) => {
                                const v = e[f.key];
                                return [f.key, v && typeof v === "object" && !Array.isArray(v) ? show(v) : v];
                              }),
                            ),
                          );
                          onChange((es) => es.filter((_, j) => j !== i));
                        }}
                      >
                        edit
                      </Button>
                    )}
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      aria-label={`remove ${title} ${i + 1}`}
                      onClick={() => onChange((es) => es.filter((_, j) => j !== i))}
                    >
                      remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group gap="xs" align="flex-end" data-testid={`add-${slug}`}>
        {fields.map((f) => (
          <FieldInput
            key={f.key}
            f={f}
            value={draft[f.key]}
            onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))}
            setDraft={setDraft}
          />
        ))}
        <Button size="xs" onClick={add}>
          Add
        </Button>
      </Group>
      {problem && (
        <Text c="red" size="xs" role="alert">
          {problem}
        </Text>
      )}
    </div>
  );
}
