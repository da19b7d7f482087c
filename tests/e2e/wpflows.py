#!/usr/bin/env python3
"""End-to-end WordPress flows for the Inception stack (stdlib only).

Every request is addressed to the site URL WordPress knows (--url, e.g.
https://wil.42.fr) but the TCP connection goes to --connect HOST:PORT, with
the site's host name used for SNI and the Host header. Redirects go through
the same mapping. Each subcommand prints one line; exit 0 = success.
"""
import argparse
import html
import http.client
import http.cookiejar
import json
import re
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 60        # seconds per request (the VM under emulation is slow)
RETRY_WINDOW = 10   # seconds of retrying refused/reset connections


class Fail(Exception):
    """A flow failed; the message is the one-line reason."""


class NotConnected(ConnectionError):
    """Connecting or the TLS handshake failed: the request was not sent."""


class Site:
    """A cookie-keeping browser pinned to one site, connected via --connect."""

    def __init__(self, url, connect):
        u = urllib.parse.urlsplit(url.rstrip('/'))
        if u.scheme != 'https' or not u.hostname:
            raise Fail('--url must be https://HOST[:PORT]')
        self.base = '%s://%s' % (u.scheme, u.netloc)
        self.netloc = (u.hostname.lower(), u.port or 443)
        self.connect = connect
        chost, _, cport = connect.rpartition(':')
        self.addr = (chost or '127.0.0.1', int(cport))
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE          # self-signed certificate
        site = self

        class Conn(http.client.HTTPSConnection):
            def connect(self):
                if (self.host.lower(), self.port) != site.netloc:
                    raise Fail('refusing to leave the site: %s:%s' % (self.host, self.port))
                try:
                    sock = socket.create_connection(site.addr, self.timeout)
                    self.sock = ctx.wrap_socket(sock, server_hostname=self.host)
                except OSError as e:          # nothing was sent yet
                    raise NotConnected(e) from e

        class Handler(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(Conn, req)

        class NoPlainHTTP(urllib.request.HTTPHandler):
            def http_open(self, req):
                raise Fail('refusing plain http: %s' % req.full_url)

        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            Handler(), NoPlainHTTP(), urllib.request.HTTPCookieProcessor(self.jar))
        self.retry_budget = RETRY_WINDOW      # seconds, shared by all requests

    def url(self, path):
        return self.base + '/' + path.lstrip('/')

    def fetch(self, path, data=None, headers=None):
        """Request path (or absolute site URL); returns (status, final URL, body).

        While the instance restarts, retry (1 s apart, RETRY_WINDOW s in all)
        failed connections, and for GETs also dropped ones and 502-504."""
        url = path if path.startswith('https://') else self.url(path)
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        while True:
            req = urllib.request.Request(url, data=data, headers=headers or {})
            try:
                resp = self.opener.open(req, timeout=TIMEOUT)
            except urllib.error.HTTPError as e:   # 4xx/5xx still carry a page
                resp = e
            except urllib.error.URLError as e:
                retry = isinstance(e.reason, NotConnected) or (
                    data is None and isinstance(e.reason, (ConnectionError, ssl.SSLError)))
                if retry and self.retry_budget > 0:
                    self.retry_budget -= 1
                    time.sleep(1)
                    continue
                raise Fail('cannot reach %s via %s:%d: %s' % (url, *self.addr, e.reason))
            except (http.client.HTTPException, OSError) as e:
                raise Fail('request to %s failed: %r' % (url, e))
            with resp:
                body = resp.read().decode('utf-8', 'replace')
            if data is None and resp.status in (502, 503, 504) and self.retry_budget > 0:
                self.retry_budget -= 1
                time.sleep(1)
                continue
            return resp.status, resp.geturl(), body

    def cookie_names(self):
        return [c.name for c in self.jar]

    def login(self, user, passfile):
        """Log in through wp-login.php like a browser; returns the final URL."""
        with open(passfile) as f:       # newlines dropped, as the stack does
            password = f.read().replace('\n', '')
        status, _, _ = self.fetch('wp-login.php')      # sets the test cookie
        if status != 200 or 'wordpress_test_cookie' not in self.cookie_names():
            raise Fail('wp-login.php: HTTP %d, no wordpress_test_cookie' % status)
        status, final, body = self.fetch('wp-login.php', {
            'log': user, 'pwd': password, 'wp-submit': 'Log In',
            'redirect_to': self.url('wp-admin/'), 'testcookie': '1'})
        # Success = we land on the dashboard (or profile) with a login cookie.
        path = urllib.parse.urlsplit(final).path
        logged = any(n.startswith('wordpress_logged_in_') for n in self.cookie_names())
        if status != 200 or not logged or \
                path not in ('/wp-admin/', '/wp-admin/index.php', '/wp-admin/profile.php'):
            raise Fail('login as %s failed (HTTP %d at %s) %s'
                       % (user, status, final, wp_error(body)))
        return final


def wp_error(body):
    """The message of a login error or wp_die() page, as one line."""
    m = re.search(r'<div id="login_error"[^>]*>(.*?)</div>|'
                  r'<div class="wp-die-message">(.*?)</div>', body, re.S)
    text = html.unescape(re.sub(r'<[^>]+>', ' ', m.group(m.lastindex))) if m else ''
    return ' '.join(text.split())


def contains(body, text):
    """TEXT appears in the HTML, literally or HTML-escaped."""
    return text in body or html.escape(text, quote=False) in body


def parse_form(page, form_id):
    """Return (action, {name: value}) of the <form id=form_id> in page."""
    m = re.search(r'<form\b[^>]*\bid=["\']%s["\'][^>]*>(.*?)</form>' % form_id, page, re.S)
    if not m:
        raise Fail('no <form id="%s"> on the page (not logged in? comments closed?)' % form_id)
    attr = lambda tag, name: re.search(r'\b%s=["\']([^"\']*)["\']' % name, tag)
    action = attr(m.group(0)[:m.group(0).index('>')], 'action')
    fields = {}
    for tag in re.findall(r'<input\b[^>]*>', m.group(1)):
        name, value = attr(tag, 'name'), attr(tag, 'value')
        if name and 'type="submit"' not in tag:
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ''
    # An inline script renames this field when the page is not in a frame,
    # as is the case in a browser tab: do the same.
    if '_wp_unfiltered_html_comment_disabled' in fields:
        fields['_wp_unfiltered_html_comment'] = \
            fields.pop('_wp_unfiltered_html_comment_disabled')
    return (html.unescape(action.group(1)) if action else None), fields


def cmd_login(site, a):
    print('OK login %s -> %s' % (a.user, site.login(a.user, a.passfile)))


def cmd_comment(site, a):
    site.login(a.user, a.passfile)
    status, _, page = site.fetch('?p=%d' % a.post_id)
    if status != 200:
        raise Fail('post %d: HTTP %d' % (a.post_id, status))
    action, fields = parse_form(page, 'commentform')
    if not action or fields.get('comment_post_ID') != str(a.post_id):
        raise Fail('comment form has no action or wrong comment_post_ID: %r' % fields)
    fields.update(comment=a.text, submit='Post Comment')
    status, final, body = site.fetch(action, fields)
    m = re.search(r'#comment-(\d+)$', final)
    if status != 200 or not m:
        raise Fail('comment POST: HTTP %d at %s %s' % (status, final, wp_error(body)))
    if 'unapproved=' in final:
        raise Fail('comment %s is held for moderation' % m.group(1))
    # Reload the post page WordPress sent us back to: the new comment's own
    # <li id="comment-N"> must carry the text and be published.
    status, _, page = site.fetch(final.split('#')[0])
    start = page.find('id="comment-%s"' % m.group(1))
    end = page.find('id="comment-', start + 1)
    mine = page[start:end if end > 0 else None] if start >= 0 else ''
    if status != 200 or not contains(mine, a.text) or 'awaiting moderation' in mine:
        raise Fail('comment %s with the text not shown on post %d (HTTP %d)'
                   % (m.group(1), a.post_id, status))
    print('OK comment %s by %s on post %d' % (m.group(1), a.user, a.post_id))


def cmd_edit_page(site, a):
    site.login(a.user, a.passfile)
    status, _, editor = site.fetch('wp-admin/post.php?post=%d&action=edit' % a.page_id)
    nonce = re.search(r'createNonceMiddleware\(\s*"([0-9a-f]+)"\s*\)', editor)
    if status != 200 or not nonce:
        raise Fail('editor for page %d: HTTP %d, no REST nonce %s'
                   % (a.page_id, status, wp_error(editor)))
    content = ('<!-- wp:paragraph --><p>%s</p><!-- /wp:paragraph -->'
               % html.escape(a.text, quote=False))
    status, _, body = site.fetch(
        '?rest_route=/wp/v2/pages/%d' % a.page_id,
        json.dumps({'content': content}).encode(),
        {'Content-Type': 'application/json', 'X-WP-Nonce': nonce.group(1)})
    try:                                # the saved page, or a REST error
        reply = json.loads(body)
        saved, message = (reply.get('content') or {}).get('raw'), reply.get('message', '')
    except (ValueError, AttributeError):
        saved, message = None, body[:200]
    if status != 200 or saved != content:
        raise Fail('REST update of page %d: HTTP %d, content not saved %s'
                   % (a.page_id, status, message))
    status, _, page = Site(site.base, site.connect).fetch('?page_id=%d' % a.page_id)  # anonymous
    if status != 200 or not contains(page, a.text):
        raise Fail('page %d (HTTP %d) does not show the new text' % (a.page_id, status))
    print('OK page %d edited by %s' % (a.page_id, a.user))


def cmd_users(site, a):
    site.login('wil_chief', a.adminfile)
    status, _, page = site.fetch('wp-admin/users.php')
    rows = re.findall(r'<tr id=["\']user-\d+["\'].*?</tr>', page, re.S)
    if status != 200 or not rows:
        raise Fail('users.php: HTTP %d, no user rows' % status)
    for row in rows:
        login = re.search(r'column-username.*?<strong>(?:<a[^>]*>)?([^<]+)<', row, re.S)
        # The row's checkbox carries the role slugs as its class; the Role
        # column shows their display names (used if there is no checkbox).
        slug = re.search(r'<input[^>]*name="users\[\]"[^>]*class="([^"]*)"', row)
        role = re.search(r'column-role[^>]*>(.*?)</td>', row, re.S)
        if not login or not (slug or role):
            raise Fail('cannot parse a users.php row')
        if slug:
            role = ','.join(slug.group(1).split())
        else:
            role = re.sub(r'<[^>]+>', '', html.unescape(role.group(1))).strip().lower()
            role = re.sub(r',\s*', ',', role).replace(' ', '_')
        print('%s %s' % (html.unescape(login.group(1)).strip(), role or 'none'))


def cmd_has_text(site, a):
    status, final, body = site.fetch(a.path)
    if status != 200 or not contains(body, a.text):
        raise Fail('%r not found at %s (HTTP %d)' % (a.text, final, status))
    print('OK %s contains %r' % (a.path, a.text))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--url', required=True, help='site URL as WordPress knows it')
    p.add_argument('--connect', required=True, help='HOST:PORT to actually connect to')
    sub = p.add_subparsers(dest='cmd', required=True)
    for name, fn, args in [
            ('login', cmd_login, [('user', str), ('passfile', str)]),
            ('comment', cmd_comment, [('user', str), ('passfile', str),
                                      ('post_id', int), ('text', str)]),
            ('edit-page', cmd_edit_page, [('user', str), ('passfile', str),
                                          ('page_id', int), ('text', str)]),
            ('users', cmd_users, [('adminfile', str)]),
            ('has-text', cmd_has_text, [('path', str), ('text', str)])]:
        sp = sub.add_parser(name)
        for arg, typ in args:
            sp.add_argument(arg, type=typ)
        sp.set_defaults(fn=fn)
    a = p.parse_args()
    try:
        a.fn(Site(a.url, a.connect), a)
    except (Fail, OSError) as e:
        print('FAIL %s: %s' % (a.cmd, e))
        sys.exit(1)


if __name__ == '__main__':
    main()
