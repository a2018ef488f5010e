/** The sections of the case record as forms (what each entry holds, how codes and units are filled). */
import { Accordion, Group, Select, TextInput } from "@mantine/core";
import { useRef } from "react";
import type { CaseRecord, Coding, Source } from "../../../../src/clinic/case-schema.js";
import { ClinicalHistorySections } from "./sections-history";
import { SectionEditor, show, type ValueSetOption } from "./fields";
import { coded, ICDO3, LOINC, num, str } from "./values";

type Sections = Omit<CaseRecord, "id" | "patient">;

export function RecordSections({
  record,
  onChange,
  source,
}: {
  record: CaseRecord;
  /** Changes the record; an updater, so that changes made in the same tick (two fields, two sections) all land. */
  onChange: (update: (r: CaseRecord) => CaseRecord) => void;
  source: Source;
}) {
  const set =
    <K extends keyof Sections>(k: K) =>
    (update: (entries: Record<string, unknown>[]) => Record<string, unknown>[]) =>
      onChange((r) => ({ ...r, [k]: update(r[k] as unknown as Record<string, unknown>[]) }) as CaseRecord);
  const p = record.patient;
  const setPatient = (k: string, v: string | undefined) =>
    onChange((r) => ({ ...r, patient: { ...r.patient, [k]: v || undefined, source } }));
  // the value-set options picked in the forms (by text), to fill codes and units when the entry is added
  const picked = useRef(new Map<string, ValueSetOption>()).current;
  const remember = (o: ValueSetOption) => {
    picked.set(o.text, o);
    return {};
  };
  return (
    <Accordion multiple defaultValue={["patient", "body", "diagnosis"]} variant="contained">
      <Accordion.Item value="patient">
        <Accordion.Control>Patient details</Accordion.Control>
        <Accordion.Panel>
          <Group gap="xs">
            <TextInput
              size="xs"
              label="Name"
              value={p.name ?? ""}
              onChange={(e) => setPatient("name", e.currentTarget.value)}
            />
            <TextInput
              size="xs"
              type="date"
              label="Birth date"
              value={p.birthDate ?? ""}
              onChange={(e) => setPatient("birthDate", e.currentTarget.value)}
            />
            <Select
              size="xs"
              w={120}
              label="Sex"
              data={["female", "male", "other", "unknown"]}
              value={p.sex ?? null}
              onChange={(v) => setPatient("sex", v ?? undefined)}
            />
            <TextInput
              size="xs"
              label="Country"
              value={p.country ?? ""}
              onChange={(e) => setPatient("country", e.currentTarget.value)}
            />
            <TextInput
              size="xs"
              w={90}
              label="Language"
              value={p.language ?? ""}
              onChange={(e) => setPatient("language", e.currentTarget.value)}
            />
            <TextInput
              size="xs"
              label="Contact"
              value={p.contact ?? ""}
              onChange={(e) => setPatient("contact", e.currentTarget.value)}
            />
          </Group>
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="body">
        <Accordion.Control>Weight and height</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Weights"
            entries={record.weights}
            source={source}
            onChange={set("weights")}
            fields={[
              { key: "kg", label: "Weight (kg)", kind: "number", required: true },
              { key: "date", label: "Date", kind: "date", required: true },
            ]}
            columns={[
              { key: "kg", label: "kg" },
              { key: "date", label: "date" },
            ]}
            make={(d) =>
              num(d.kg)! > 0 ? { kg: num(d.kg), date: str(d.date) } : "Weight (kg): must be above 0"
            }
          />
          <SectionEditor
            title="Heights"
            entries={record.heights}
            source={source}
            onChange={set("heights")}
            fields={[
              { key: "cm", label: "Height (cm)", kind: "number", required: true },
              { key: "date", label: "Date", kind: "date", required: true },
            ]}
            columns={[
              { key: "cm", label: "cm" },
              { key: "date", label: "date" },
            ]}
            make={(d) =>
              num(d.cm)! > 0 ? { cm: num(d.cm), date: str(d.date) } : "Height (cm): must be above 0"
            }
          />
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="diagnosis">
        <Accordion.Control>Diagnosis, histology and stage</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Diagnoses"
            entries={record.cancers}
            source={source}
            onChange={set("cancers")}
            fields={[
              {
                key: "role",
                label: "Role",
                kind: "choice",
                options: ["primary", "secondary"],
                required: true,
                width: 110,
              },
              {
                key: "diagnosis",
                label: "Diagnosis (SNOMED CT, ICD-10-CM)",
                kind: "valueset",
                valueSet: "diagnoses",
                pick: remember,
                required: true,
              },
              {
                key: "histology",
                label: "Histology (ICD-O-3)",
                kind: "valueset",
                valueSet: "histology",
                pick: remember,
              },
              { key: "bodySite", label: "Body site", kind: "text" },
              { key: "onset", label: "Diagnosed", kind: "date" },
            ]}
            columns={[
              { key: "role", label: "role" },
              {
                key: "code",
                label: "diagnosis",
                value: (e) => `${show(e.code)} ${(e.code as Coding)?.code ?? ""}`,
              },
              {
                key: "histology",
                label: "histology",
                value: (e) => `${show(e.histology)} ${(e.histology as Coding | undefined)?.code ?? ""}`,
              },
              { key: "onset", label: "diagnosed" },
            ]}
            make={(d) => {
              const dx = picked.get(String(d.diagnosis));
              const hx = picked.get(String(d.histology));
              const code = dx?.codings[0] ?? { display: String(d.diagnosis) };
              const histology = coded(hx, ICDO3) ?? hx?.codings[0];
              return {
                role: d.role,
                code,
                ...(dx && dx.codings.length > 1 ? { otherCodes: dx.codings.slice(1) } : {}),
                ...(histology ? { histology } : {}),
                ...(str(d.bodySite) ? { bodySite: { display: str(d.bodySite) } } : {}),
                ...(str(d.onset) ? { onset: str(d.onset) } : {}),
              };
            }}
          />
          <SectionEditor
            title="Staging"
            entries={record.staging}
            source={source}
            onChange={set("staging")}
            fields={[
              {
                key: "kind",
                label: "Kind",
                kind: "select",
                options: ["clinical", "pathologic"],
                required: true,
                width: 120,
              },
              {
                key: "item",
                label: "Item",
                kind: "select",
                options: ["stage-group", "T", "N", "M"],
                required: true,
                width: 120,
              },
              { key: "value", label: "Value (e.g. T2, N1, IVA)", kind: "text", required: true },
              {
                key: "method",
                label: "Staging system",
                kind: "valueset",
                valueSet: "staging_systems",
                pick: remember,
                width: 220,
              },
              { key: "date", label: "Date", kind: "date" },
            ]}
            columns={[
              { key: "kind", label: "kind" },
              { key: "item", label: "item" },
              { key: "value", label: "value" },
              { key: "method", label: "system" },
              { key: "date", label: "date" },
            ]}
            make={(d) => {
              const m = picked.get(String(d.method));
              return {
                kind: d.kind,
                item: d.item,
                value: { display: String(d.value) },
                ...(m ? { method: m.codings[0] ?? { display: m.text } } : {}),
                ...(str(d.date) ? { date: str(d.date) } : {}),
              };
            }}
          />
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="biomarkers">
        <Accordion.Control>Biomarkers and HLA</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Biomarkers"
            entries={record.biomarkers}
            source={source}
            onChange={set("biomarkers")}
            fields={[
              {
                key: "name",
                label: "Biomarker",
                kind: "valueset",
                valueSet: "biomarkers",
                pick: (o) => ({ unit: o.unit, ...remember(o) }),
                required: true,
                width: 200,
              },
              { key: "value", label: "Value (number or result)", kind: "text", required: true },
              { key: "unit", label: "Unit", kind: "text", width: 90 },
              { key: "assay", label: "Assay (e.g. 22C3)", kind: "text", width: 120 },
              { key: "scoreType", label: "Score (TPS, CPS…)", kind: "text", width: 110 },
              { key: "date", label: "Date", kind: "date" },
            ]}
            columns={[
              { key: "name", label: "name" },
              { key: "value", label: "value" },
              { key: "unit", label: "unit" },
              { key: "assay", label: "assay" },
              { key: "scoreType", label: "score" },
              { key: "date", label: "date" },
            ]}
            make={(d) => {
              const o = picked.get(String(d.name));
              const raw = String(d.value).trim();
              const n = Number(raw.replace(/%$/, ""));
              return {
                name: String(d.name),
                code: coded(o, LOINC) ?? {},
                value: raw !== "" && Number.isFinite(n) ? n : raw,
                ...(str(d.unit) ? { unit: str(d.unit) } : raw.endsWith("%") ? { unit: "%" } : {}),
                ...(str(d.assay) ? { assay: str(d.assay) } : {}),
                ...(str(d.scoreType) ? { scoreType: str(d.scoreType) } : {}),
                ...(str(d.date) ? { date: str(d.date) } : {}),
              };
            }}
          />
          <Group gap="xs" mt="sm">
            <TextInput
              size="xs"
              w={360}
              label="HLA class I alleles (comma-separated, e.g. A*02:01, B*44:02)"
              // uncontrolled while typing; a new record (a merge, a discard) shows its own alleles
              key={record.hlaTyping?.alleles.join(",") ?? ""}
              defaultValue={record.hlaTyping?.alleles.join(", ") ?? ""}
              onBlur={(e) => {
                const alleles = e.currentTarget.value.split(/[,\s]+/).filter(Boolean);
                onChange((r) => ({
                  ...r,
                  hlaTyping: alleles.length ? { ...r.hlaTyping, alleles, source } : undefined,
                }));
              }}
            />
          </Group>
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="performance">
        <Accordion.Control>Performance status and conditions</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Performance"
            entries={record.performance}
            source={source}
            onChange={set("performance")}
            fields={[
              {
                key: "scale",
                label: "Scale",
                kind: "select",
                options: ["ECOG", "Karnofsky", "Lansky"],
                required: true,
                width: 120,
              },
              { key: "value", label: "Value", kind: "number", required: true, width: 90 },
              { key: "date", label: "Date", kind: "date", required: true },
            ]}
            columns={[
              { key: "scale", label: "scale" },
              { key: "value", label: "value" },
              { key: "date", label: "date" },
            ]}
            make={(d) => {
              const v = num(d.value)!;
              const max = d.scale === "ECOG" ? 5 : 100;
              return Number.isInteger(v) && v >= 0 && v <= max
                ? { scale: d.scale, value: v, date: str(d.date) }
                : `Value: ${String(d.scale)} is a whole number from 0 to ${max}`;
            }}
          />
          <SectionEditor
            title="Conditions"
            entries={record.conditions}
            source={source}
            onChange={set("conditions")}
            fields={[
              {
                key: "category",
                label: "Category",
                kind: "select",
                options: [
                  "autoimmune",
                  "transplant",
                  "systemic-steroids",
                  "infection",
                  "pregnancy",
                  "comorbidity",
                ],
                required: true,
                width: 160,
              },
              { key: "text", label: "What", kind: "text", required: true, width: 220 },
              { key: "active", label: "active", kind: "check" },
              { key: "date", label: "Since", kind: "date" },
            ]}
            columns={[
              { key: "category", label: "category" },
              { key: "text", label: "what" },
              { key: "active", label: "active" },
              { key: "date", label: "since" },
            ]}
            make={(d) => ({
              category: d.category,
              text: String(d.text),
              active: d.active === true,
              ...(str(d.date) ? { date: str(d.date) } : {}),
            })}
          />
        </Accordion.Panel>
      </Accordion.Item>
      <ClinicalHistorySections record={record} onChange={onChange} source={source} picked={picked} />
    </Accordion>
  );
}
