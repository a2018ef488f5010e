import { Alert, Anchor, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";

const ROLE_WORDS: Record<string, string> = {
  patient: "patients",
  clinician: "clinicians",
  coordinator: "coordinators",
  admin: "administrators",
};

/** A page the signed-in user's role may not open: says so plainly instead of showing its layout and failing. */
export function ForbiddenPage({ roles, role }: { roles: readonly string[]; role: string }) {
  return (
    <Stack>
      <Title order={1}>Not available to you</Title>
      <Alert color="yellow" role="alert">
        This page is for {roles.map((r) => ROLE_WORDS[r] ?? r).join(" and ")}; you are signed in as{" "}
        {role === "admin" ? "an administrator" : `a ${role}`}.{" "}
        <Anchor component={Link} to="/">
          Back to your start page
        </Anchor>
      </Alert>
    </Stack>
  );
}

/** An address the app does not have. */
export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>Page not found</Title>
      <Alert color="yellow" role="alert">
        There is no page at this address.{" "}
        <Anchor component={Link} to="/">
          Back to your start page
        </Anchor>
      </Alert>
    </Stack>
  );
}

/** The page, when the user's role may open it; otherwise the plain refusal. */
export function ForRoles({
  roles,
  role,
  children,
}: {
  roles: readonly string[];
  role: string;
  children: ReactNode;
}) {
  return roles.includes(role) ? <>{children}</> : <ForbiddenPage roles={roles} role={role} />;
}
