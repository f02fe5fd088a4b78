;;; roundtrip.el --- Emacs + eglot round trip with the standalone server  -*- lexical-binding: t -*-
;; Loads the eglot set-up exactly as docs/editors.md gives it (the first elisp block, with the server
;; path filled in), opens a fixture, waits for the diagnostics, asks for document symbols and a hover.
;; Run: KOL_REPO=/path/to/repo emacs --batch -l test/editor/emacs/roundtrip.el
;; Prints one "ok"/"not ok" line per check; exits non-zero when any fails.
(require 'package)
(package-initialize)
(require 'cl-lib)
(require 'eglot)

(defvar kol-repo (or (getenv "KOL_REPO") (error "KOL_REPO not set")))
(defvar kol-failures 0)
(defvar kol-published nil)

(defun kol-check (name ok &optional detail)
  (if ok (princ (format "ok - %s\n" name))
    (setq kol-failures (1+ kol-failures))
    (princ (format "not ok - %s%s\n" name (if detail (format ": %s" detail) "")))))

(defun kol-docs-snippet ()
  "The first elisp block of docs/editors.md, pointed at this repository's server."
  (with-temp-buffer
    (insert-file-contents (expand-file-name "docs/editors.md" kol-repo))
    (goto-char (point-min))
    (re-search-forward "^```elisp\n")
    (let ((start (point)))
      (re-search-forward "^```$")
      (replace-regexp-in-string "/path/to/kernel-oops-lens" kol-repo
                                (buffer-substring-no-properties start (match-beginning 0)) t t))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (when (> (length diagnostics) 0) (push (cons uri diagnostics) kol-published)))

(defun kol-wait (pred seconds)
  (let ((end (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.1))
    (funcall pred)))

(defun kol-line-of (needle)
  (save-excursion
    (goto-char (point-min))
    (search-forward needle)
    (1- (line-number-at-pos))))

(condition-case err
    (progn
      (with-temp-buffer (insert (kol-docs-snippet)) (eval-buffer))
      (find-file (expand-file-name "test-fixtures/editor/oops.dmesg" kol-repo))
      (kol-check "auto-mode-alist selects kernel-log-mode" (eq major-mode 'kernel-log-mode) major-mode)
      ;; eglot-ensure connects from post-command-hook, which batch mode never runs: connect directly.
      (unless (eglot-current-server) (apply #'eglot (eglot--guess-contact)))
      (kol-wait (lambda () (eglot-current-server)) 20)
      (let ((server (eglot-current-server)))
        (kol-check "eglot connected to the server" server)
        (kol-wait (lambda () kol-published) 20)
        (let* ((diags (append (cdar kol-published) nil))
               (oops (cl-find "null-deref" diags :key (lambda (d) (plist-get d :code)) :test #'equal)))
          (kol-check "diagnostics published" diags)
          (kol-check "null-deref at the BUG line"
                     (and oops (= (plist-get (plist-get (plist-get oops :range) :start) :line)
                                  (kol-line-of "BUG: kernel NULL pointer dereference")))
                     oops)
          (kol-check "message names the culprit"
                     (and oops (string-match-p "demo_queue_push" (plist-get oops :message)))))
        (let* ((symbols (append (jsonrpc-request server :textDocument/documentSymbol
                                                 (list :textDocument (eglot--TextDocumentIdentifier)))
                                nil))
               (first (car symbols))
               (children (mapcar (lambda (c) (plist-get c :name)) (append (plist-get first :children) nil))))
          (kol-check "document symbols: the oops first"
                     (and first (string-match-p "NULL pointer dereference" (plist-get first :name))))
          (kol-check "the oops has a Call Trace" (member "Call Trace" children) children))
        (let* ((line (kol-line-of "RSP: 0018:"))
               (hover (jsonrpc-request server :textDocument/hover
                                       (list :textDocument (eglot--TextDocumentIdentifier)
                                             :position (list :line line :character 16))))
               (value (plist-get (plist-get hover :contents) :value)))
          (kol-check "hover on RSP" (and value (string-match-p "stack pointer" value)) value))
        (eglot-shutdown server)))
  (error (kol-check "no lisp error" nil (error-message-string err))))

(princ (format "# emacs %s eglot: %d failed\n" emacs-version kol-failures))
(kill-emacs (if (= kol-failures 0) 0 1))
