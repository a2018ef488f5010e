import "@mantine/core/styles.css";
import "@mantine/dropzone/styles.css";
import {
  AppShell,
  Button,
  Container,
  createTheme,
  Group,
  Loader,
  MantineProvider,
  Text,
  Title,
  type CSSVariablesResolver,
} from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, Navigate, Route, Routes } from "react-router";
import { ForRoles, NotFoundPage } from "./pages/NotAllowedPage";
import { AuthProvider, useAuth } from "./auth";
import { Disclaimer } from "./components/Disclaimer";
import { AdminPage } from "./pages/AdminPage";
import { CaseList } from "./pages/CaseList";
import { CasePage } from "./pages/CasePage";
import { CoordinatorPage } from "./pages/CoordinatorPage";
import { ExplorerPage } from "./pages/ExplorerPage";
import { LoginPage, PasswordCodePage, SignupPage } from "./pages/LoginPage";
import { PatientHome } from "./pages/PatientHome";
import { PriceListPage } from "./pages/PriceListPage";

/**
 * WCAG AA contrast (checked by axe-core in the browser tests): darker primary shade, black text on light
 * fills (autoContrast, with the luminance at which white text drops below 4.5:1), darker dimmed text.
 */
const theme = createTheme({ primaryShade: 8, autoContrast: true, luminanceThreshold: 0.18 });
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "#495057" },
  dark: {},
});

function Shell() {
  const { user, ready, logout } = useAuth();
  if (!ready) return <Loader m="xl" aria-label="loading" />;
  if (!user)
    return (
      <Container size="xs" py="xl">
        <Title order={1} mb="sm">
          Immunoplan
        </Title>
        <Disclaimer />
        <Routes>
          <Route path="/signup" element={<SignupPage />} />
          <Route path="/password" element={<PasswordCodePage />} />
          <Route path="*" element={<LoginPage />} />
        </Routes>
      </Container>
    );
  const links: [string, string][] =
    user.role === "patient"
      ? [["/", "My case"]]
      : user.role === "clinician"
        ? [
            ["/", "Cases"],
            ["/explorer", "Model explorer"],
          ]
        : user.role === "coordinator"
          ? [
              ["/", "Cases"],
              ["/consultations", "Consultations"],
              ["/explorer", "Model explorer"],
            ]
          : [
              ["/", "Cases"],
              ["/admin", "Users and audit"],
              ["/prices", "Prices"],
              ["/explorer", "Model explorer"],
            ];
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Text fw={700} component={Link} to="/">
              Immunoplan
            </Text>
            <nav aria-label="main" style={{ overflowX: "auto" }}>
              <Group gap="sm" wrap="nowrap">
                {links.map(([to, label]) => (
                  <Button key={to} component={Link} to={to} variant="default" size="compact-sm">
                    {label}
                  </Button>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="sm">
              {user.name} ({user.role})
            </Text>
            <Button size="compact-sm" variant="default" onClick={() => void logout()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="xl">
          <Disclaimer />
          <Routes>
            <Route path="/" element={user.role === "patient" ? <PatientHome /> : <CaseList />} />
            <Route path="/cases/:id" element={<CasePage />} />
            {/* pages of other roles, and addresses the app does not have, say so plainly */}
            <Route
              path="/explorer"
              element={
                <ForRoles roles={["clinician", "coordinator", "admin"]} role={user.role}>
                  <ExplorerPage />
                </ForRoles>
              }
            />
            <Route
              path="/consultations"
              element={
                <ForRoles roles={["coordinator"]} role={user.role}>
                  <CoordinatorPage />
                </ForRoles>
              }
            />
            <Route
              path="/admin"
              element={
                <ForRoles roles={["admin"]} role={user.role}>
                  <AdminPage />
                </ForRoles>
              }
            />
            <Route
              path="/prices"
              element={
                <ForRoles roles={["admin"]} role={user.role}>
                  <PriceListPage />
                </ForRoles>
              }
            />
            <Route path="/signup" element={<Navigate to="/" replace />} />
            <Route path="/password" element={<Navigate to="/" replace />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <BrowserRouter>
        <AuthProvider>
          <Shell />
        </AuthProvider>
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
