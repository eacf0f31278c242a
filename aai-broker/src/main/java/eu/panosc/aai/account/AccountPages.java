package eu.panosc.aai.account;

import static eu.panosc.aai.browser.Pages.escape;
import static eu.panosc.aai.browser.Pages.hidden;

import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.session.Sessions;

/** The account pages' HTML; every value is escaped. */
final class AccountPages {
  private AccountPages() {}

  private static final String STYLE = "<style>body{max-width:48rem}table{border-collapse:collapse;width:100%;"
      + "margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #bbb;vertical-align:top}"
      + "td form{margin:0}td button{margin:0}code{font-size:.85rem;word-break:break-all}h2{font-size:1.15rem;"
      + "margin-top:1.6rem}a{color:#0645ad}a:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px}</style>";

  private static String button(String action, String label, String csrf, String... fields) {
    String[] all = new String[fields.length + 2];
    System.arraycopy(fields, 0, all, 0, fields.length);
    all[fields.length] = "csrf";
    all[fields.length + 1] = csrf;
    return "<form method=\"post\" action=\"" + escape(action) + "\">" + hidden(all) + "<button type=\"submit\">"
        + label + "</button></form>";
  }

  static String overview(String root, AccountService.Overview o, String csrf, String message) {
    StringBuilder b = new StringBuilder(STYLE);
    b.append("<p>Signed in as <strong>").append(escape(o.name())).append("</strong>.</p>\n");
    if (message != null) {
      b.append("<p class=\"msg\" role=\"status\">").append(escape(message)).append("</p>\n");
    }
    b.append("<h2 id=\"identities\">Linked identities</h2>\n<p class=\"small\">You can sign in with any of these; "
        + "applications see you as the same person whichever you use.</p>\n<table aria-labelledby=\"identities\">"
        + "<thead><tr><th scope=\"col\">Identity provider</th><th scope=\"col\">Name</th><th scope=\"col\">Identifier"
        + "</th><th scope=\"col\">Linked</th><th scope=\"col\"><span class=\"small\">Action</span></th></tr></thead>"
        + "<tbody>");
    for (AccountService.IdentityView v : o.identities()) {
      Identities.LinkedIdentity i = v.identity();
      b.append("<tr class=\"identity\"><td>").append(escape(v.upstreamName())).append("</td><td>")
          .append(escape(i.displayName())).append("</td><td><code>").append(escape(i.subject()))
          .append("</code></td><td>")
          .append(escape(AccountEndpoint.time(i.linkedAt()))).append("</td><td>");
      if (v.primary()) {
        b.append("<span class=\"small\">your account's first identity</span>");
      } else {
        b.append(button(root + "/account/unlink", "Unlink<span class=\"small\"> " + escape(v.upstreamName())
            + "</span>", csrf, "subject", i.subject()));
      }
      b.append("</td></tr>");
    }
    b.append("</tbody></table>\n").append(button(root + "/account/link", "Link another account", csrf)).append('\n');

    b.append("<h2 id=\"sessions\">Active sessions</h2>\n<table aria-labelledby=\"sessions\"><thead><tr>"
        + "<th scope=\"col\">Signed in</th><th scope=\"col\">Ends</th><th scope=\"col\"><span class=\"small\">Action"
        + "</span></th></tr></thead><tbody>");
    for (Sessions.Active a : o.sessions()) {
      boolean current = a.sid().equals(o.currentSid());
      b.append("<tr class=\"session\"><td>").append(escape(AccountEndpoint.time(a.authTime())))
          .append(current ? " <strong>(this browser)</strong>" : "").append("</td><td>")
          .append(escape(AccountEndpoint.time(a.expiresAt()))).append("</td><td>")
          .append(button(root + "/account/sessions/end", "Sign out" + (current ? " here" : ""), csrf, "sid", a.sid()))
          .append("</td></tr>");
    }
    b.append("</tbody></table>\n<p class=\"small\">Signing out a session also signs you out of the applications you "
        + "used in it.</p>\n");

    b.append("<h2 id=\"consents\">Applications you allowed</h2>\n");
    if (o.consents().isEmpty()) {
      b.append("<p>None.</p>\n");
    } else {
      b.append("<table aria-labelledby=\"consents\"><thead><tr><th scope=\"col\">Application</th><th scope=\"col\">"
          + "Permissions</th><th scope=\"col\">Since</th><th scope=\"col\"><span class=\"small\">Action</span></th>"
          + "</tr></thead><tbody>");
      for (AccountService.ConsentView c : o.consents()) {
        b.append("<tr class=\"consent\"><td>").append(escape(c.clientName())).append("</td><td>")
            .append(escape(String.join(" ", c.consent().scopes()))).append("</td><td>")
            .append(escape(AccountEndpoint.time(c.consent().grantedAt()))).append("</td><td>")
            .append(button(root + "/account/consents/revoke", "Revoke<span class=\"small\"> " + escape(c.clientName())
                + "</span>", csrf, "client", c.consent().clientId()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>\n<p class=\"small\">After a revoke, the application asks for your permission again "
          + "the next time you sign in to it.</p>\n");
    }
    return Pages.document("Your account", b.toString());
  }

  static String preview(String root, AccountService.LinkPreview p, String csrf) {
    String who = escape(p.identity().displayName() == null ? p.identity().userId() : p.identity().displayName());
    return switch (p.state()) {
      case FREE -> Pages.document("Link this account?", STYLE + "<p>You signed in at <strong>"
          + escape(p.upstreamName()) + "</strong> as <strong>" + who + "</strong> (<code>"
          + escape(p.identity().userId()) + "</code>).</p>\n<p>Link it to your account? Then signing in with it is "
          + "signing in to your account, and applications see you as the same person.</p>\n"
          + "<form method=\"post\" action=\"" + escape(root + "/account/link/confirm") + "\">"
          + hidden("req", p.pendingId(), "csrf", csrf) + "<button type=\"submit\">Link this account</button>"
          + " <a href=\"" + escape(root + "/account") + "\">Cancel</a></form>");
      case ALREADY_YOURS -> Pages.document("Already linked", STYLE + "<p class=\"msg\" role=\"status\">The account "
          + "you signed in with at <strong>" + escape(p.upstreamName()) + "</strong> (" + who + ") is already "
          + "linked to your account. Nothing was changed.</p><p><a href=\"" + escape(root + "/account")
          + "\">Back to your account</a></p>");
      case TAKEN -> taken(root);
    };
  }

  static String taken(String root) {
    return Pages.document("Linked to another account", STYLE + "<p class=\"msg\" role=\"alert\">The account you "
        + "signed in with belongs to another user of this federation already, so it cannot be linked to yours. "
        + "Nothing was changed.</p><p>If both are yours, ask the service desk to merge them.</p><p><a href=\""
        + escape(root + "/account") + "\">Back to your account</a></p>");
  }
}
