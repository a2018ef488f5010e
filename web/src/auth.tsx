import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { get, post, setCsrf } from "./api";

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: "patient" | "clinician" | "coordinator" | "admin";
  readonly timeZone: string;
}

interface AuthState {
  readonly user: User | null;
  readonly ready: boolean;
  login(email: string, password: string): Promise<void>;
  /** Creates the account and e-mails a code; returns what to tell the user (the same whether or not it existed). */
  signup(email: string, password: string, name: string, timeZone: string): Promise<string>;
  /** Confirms a sign-up with the e-mailed code and signs in. */
  confirmSignup(token: string): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    get<{ user: User; csrfToken: string }>("/api/auth/me")
      .then((r) => {
        setCsrf(r.csrfToken);
        setUser(r.user);
      })
      .catch(() => setUser(null))
      .finally(() => setReady(true));
  }, []);
  const accept = (r: { user: User; csrfToken: string }) => {
    setCsrf(r.csrfToken);
    setUser(r.user);
  };
  const value: AuthState = {
    user,
    ready,
    login: async (email, password) => accept(await post("/api/auth/login", { email, password })),
    signup: async (email, password, name, timeZone) =>
      (await post<{ message: string }>("/api/auth/signup", { email, password, name, timeZone })).message,
    confirmSignup: async (token) => accept(await post("/api/auth/signup/confirm", { token })),
    logout: async () => {
      await post("/api/auth/logout");
      setUser(null);
    },
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
