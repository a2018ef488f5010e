import { Alert, Anchor, Button, PasswordInput, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { post } from "../api";
import { useAuth } from "../auth";

export const TIME_ZONES: string[] = (
  Intl as unknown as { supportedValuesOf?: (k: string) => string[] }
).supportedValuesOf?.("timeZone") ?? ["UTC"];
export const BROWSER_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function LoginPage() {
  const { login } = useAuth();
  const nav = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await login(email, password);
      nav("/");
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="sign in">
      <Stack>
        <Title order={2}>Sign in</Title>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label="E-mail"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          autoComplete="username"
        />
        <PasswordInput
          label="Password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="current-password"
        />
        <Button type="submit">Sign in</Button>
        <Text size="sm">
          New patient?{" "}
          <Anchor component={Link} to="/signup">
            Create an account
          </Anchor>
        </Text>
        <Text size="sm">
          <Anchor component={Link} to="/password">
            Forgot your password, or invited by the clinic?
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}

export function SignupPage() {
  const { signup, confirmSignup } = useAuth();
  const nav = useNavigate();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [tz, setTz] = useState<string | null>(BROWSER_TZ);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setSent(await signup(email, password, name, tz ?? "UTC"));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await confirmSignup(code.trim());
      nav("/");
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (sent)
    return (
      <form onSubmit={(e) => void confirm(e)} aria-label="confirm your e-mail">
        <Stack>
          <Title order={2}>Confirm your e-mail</Title>
          <Text>{sent}</Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label="Code from the e-mail"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            autoComplete="one-time-code"
          />
          <Button type="submit">Confirm</Button>
        </Stack>
      </form>
    );
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="create an account">
      <Stack>
        <Title order={2}>Create a patient account</Title>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label="Full name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          autoComplete="name"
        />
        <TextInput
          label="E-mail"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          autoComplete="email"
        />
        <PasswordInput
          label="Password"
          description="At least 12 characters; not a common password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <Select label="Your time zone" searchable data={TIME_ZONES} value={tz} onChange={setTz} />
        <Button type="submit">Create account</Button>
        <Anchor component={Link} to="/" size="sm">
          I already have an account
        </Anchor>
      </Stack>
    </form>
  );
}

/** A password chosen with an e-mailed code: a reset, or the invitation of an account an admin opened. */
export function PasswordCodePage() {
  const nav = useNavigate();
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const request = async (e: FormEvent) => {
    e.preventDefault();
    await post("/api/auth/password-reset/request", { email });
    setMsg({ ok: true, text: "If the e-mail has an account, a code is on its way (valid for an hour)." });
  };
  const choose = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await post("/api/auth/password-reset/confirm", { token: code.trim(), password });
      nav("/");
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <Stack>
      <Title order={2}>Choose a password</Title>
      <form onSubmit={(e) => void request(e)} aria-label="send me a code">
        <Stack>
          <TextInput
            label="E-mail"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <Button type="submit" variant="default">
            Send me a code
          </Button>
        </Stack>
      </form>
      <form onSubmit={(e) => void choose(e)} aria-label="choose a password with a code">
        <Stack>
          <TextInput
            label="Code from the e-mail (reset or invitation)"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            autoComplete="one-time-code"
          />
          <PasswordInput
            label="New password"
            description="At least 12 characters; not a common password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <Button type="submit">Set the password</Button>
        </Stack>
      </form>
      {msg && (
        <Alert color={msg.ok ? "green" : "red"} role="status">
          {msg.text}
        </Alert>
      )}
      <Anchor component={Link} to="/" size="sm">
        Back to sign in
      </Anchor>
    </Stack>
  );
}
